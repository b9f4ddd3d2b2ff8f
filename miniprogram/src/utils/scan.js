// wx.scanCode as a promise that never rejects: the home page (扫码开门) and the session page
// (重新扫码) both scan a cabinet or store code and need the same three outcomes.
//   { ok: true, result }          the text in the code
//   { ok: false, cancelled: true } the customer closed the camera: not an error, no toast
//   { ok: false, errMsg }         anything else
function scanQr() {
  return new Promise(function (resolve) {
    wx.scanCode({
      // Our codes are printed on the cabinet; picking an image from the album is never needed
      // and would let a photo of someone else's cabinet start a session.
      onlyFromCamera: true,
      scanType: ['qrCode'],
      success: function (res) {
        resolve({ ok: true, result: res && res.result })
      },
      fail: function (err) {
        const errMsg = (err && err.errMsg) || ''
        resolve({ ok: false, cancelled: /cancel/i.test(errMsg), errMsg: errMsg })
      },
    })
  })
}

module.exports = { scanQr: scanQr }
