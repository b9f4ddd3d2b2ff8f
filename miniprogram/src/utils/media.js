// Picking photos from the album or the camera as a promise that never rejects (like utils/scan.js):
//   { ok: true, paths }             temporary file paths, at most `count`
//   { ok: false, cancelled: true }  the customer closed the picker: not an error, no toast
//   { ok: false, errMsg }           anything else (no permission, a client whose API throws)
// wx.chooseMedia (base library 2.10.0) replaces the deprecated wx.chooseImage; an older client only
// has the latter, with the same options for images.
function chooseImages(count) {
  return new Promise(function (resolve) {
    const done = function (paths) {
      resolve({ ok: true, paths: paths.filter(Boolean).slice(0, count) })
    }
    const failed = function (err) {
      const errMsg = (err && err.errMsg) || ''
      resolve({ ok: false, cancelled: /cancel/i.test(errMsg), errMsg: errMsg })
    }
    // 'compressed': WeChat shrinks camera photos (often several MB) before we upload them over a
    // mobile connection; the server's size limit then rarely bites.
    const common = { count: count, sizeType: ['compressed'], sourceType: ['album', 'camera'], fail: failed }
    try {
      if (typeof wx.chooseMedia === 'function') {
        wx.chooseMedia(
          Object.assign({}, common, {
            mediaType: ['image'],
            success: function (res) {
              done(((res && res.tempFiles) || []).map((f) => f && f.tempFilePath))
            },
          }),
        )
      } else {
        wx.chooseImage(
          Object.assign({}, common, {
            success: function (res) {
              done((res && res.tempFilePaths) || [])
            },
          }),
        )
      }
    } catch (e) {
      resolve({ ok: false, cancelled: false, errMsg: (e && e.message) || 'chooseImages threw' })
    }
  })
}

module.exports = { chooseImages: chooseImages }
