// 首页: entry by cabinet/store QR code. Written with Component() rather than Page() so
// miniprogram-simulate can load it (its issues #7, #79); WeChat runs a Component page the same
// way and calls the page lifecycles (onLoad …) from `methods`.
//
// A scanned code (query.q when WeChat opened us from the code, or the 扫码开门 button) leads to
// the device page (/d/{deviceCode}) or the store page (/s/{storeCode}). The last entry stays on
// this page with a 继续 button, so coming back (or a navigation that failed) is not a dead end.
const qrcode = require('../../utils/qrcode')
const scan = require('../../utils/scan')
const nav = require('../../utils/nav')

const MSG_UNKNOWN_QR = '无法识别的二维码'
const MSG_SCAN_FAILED = '扫码失败，请重试'
const LABELS = { device: '设备', store: '门店' }

function toast(title) {
  wx.showToast({ title: title, icon: 'none', duration: 2500 })
}

function rememberEntry(entry) {
  // getApp is absent under miniprogram-simulate; later pages may read the entry from here.
  if (typeof getApp !== 'function') return
  const app = getApp()
  if (app && app.globalData) app.globalData.entry = entry
}

Component({
  data: {
    entryType: '', // 'device' | 'store' | ''
    entryCode: '',
    entryText: '',
    scanning: false,
  },

  methods: {
    // query.q is present only when WeChat opened us from an ordinary-link QR code
    // (scancode_time comes with it). Returns a promise so tests can await it.
    onLoad(query) {
      const url = qrcode.decodeQ(query && query.q)
      if (url !== null) this.applyEntry(qrcode.parseEntryUrl(url))
      return Promise.resolve()
    },

    // 扫码开门. A <button> tap is not blocked by a stubbed `disabled` in every runtime, so the
    // in-flight flag is checked here as well.
    onScan() {
      if (this.data.scanning) return Promise.resolve()
      this.setData({ scanning: true })
      return scan.scanQr().then((r) => {
        this.setData({ scanning: false })
        if (r.ok) {
          this.applyEntry(qrcode.parseEntryUrl(r.result))
        } else if (!r.cancelled) {
          // Cancelling the camera is the user's choice, not an error worth a toast.
          toast(MSG_SCAN_FAILED)
        }
      })
    },

    applyEntry(entry) {
      if (!entry) {
        toast(MSG_UNKNOWN_QR)
        return
      }
      rememberEntry(entry)
      this.setData({
        entryType: entry.type,
        entryCode: entry.code,
        entryText: LABELS[entry.type] + '：' + entry.code,
      })
      this.openEntry()
    },

    // navigateTo (not redirectTo): this is a tab page, and 返回 on the device page comes back here.
    openEntry() {
      if (!this.data.entryCode) return
      wx.navigateTo({ url: nav.entryPage({ type: this.data.entryType, code: this.data.entryCode }) })
    },
  },
})
