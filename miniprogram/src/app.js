// App() must exist for WeChat to boot; the pages use Component() (see services/auth.js for
// login). globalData keeps what several pages share during one run of the mini-program.
App({
  globalData: {
    // Last customer summary returned by the server ({phoneBound, maskedPhone, ticketBalance}).
    customer: null,
    // Last parsed QR entry ({type: 'device'|'store', code}) so later pages can pick it up.
    entry: null,
  },

  onLaunch(options) {
    // Scene 1011/1012/1013 = opened from an ordinary-link QR code; the page itself reads
    // query.q, we only remember the scene for diagnostics.
    this.globalData.launchScene = options && options.scene
  },
})
