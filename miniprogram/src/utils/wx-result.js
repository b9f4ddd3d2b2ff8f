// A WeChat page or sheet (wx.openBusinessView, wx.requestPayment) as a promise that never rejects:
// its outcome is only a hint for the page (the server asks WeChat for the truth), so callers need
// the kind of outcome, not an exception:
//   { ok: true }                    WeChat reports success
//   { ok: false, cancelled: true }  the customer closed it
//   { ok: false, errMsg }           anything else, including an API that throws (seen with stubbed
//                                   or half-supported clients) — it must not break the page
function settle(name, call) {
  return new Promise(function (resolve) {
    try {
      call({
        success: function () {
          resolve({ ok: true })
        },
        fail: function (err) {
          const errMsg = (err && err.errMsg) || ''
          resolve({ ok: false, cancelled: /cancel/i.test(errMsg), errMsg: errMsg })
        },
      })
    } catch (e) {
      resolve({ ok: false, cancelled: false, errMsg: (e && e.message) || name + ' threw' })
    }
  })
}

module.exports = { settle: settle }
