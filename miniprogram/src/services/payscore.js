// 微信支付分 pages (docs/protocols/payscore.md §3.5, §7.3). 开通: the server asks WeChat for a one-hour
// apply_permissions_token, the mini-program opens WeChat's authorisation page with it, and when the
// customer is back the server asks WeChat again (the page's own result cannot tell whether the
// customer agreed). 需确认 mode: the session carries the arguments of WeChat's order confirmation
// page, opened the same way (services/doors.js asks the server afterwards). Server calls go through
// services/api.js, so a refusal is already a toast.
const api = require('./api')
const auth = require('./auth')
const wxResult = require('../utils/wx-result')

// → {businessType: 'wxpayScoreEnable', extraData: {apply_permissions_token}}; 503 problem
// payscore-unavailable when WeChat cannot be reached.
function startAuthorization() {
  return auth.ensureLogin().then(function () {
    return api.post('/api/mp/payscore/authorization')
  })
}

// → {state: 'Authorized' | 'Revoked' | 'Unknown', label, at}. The server stores what WeChat says.
function refreshAuthorization() {
  return auth.ensureLogin().then(function () {
    return api.post('/api/mp/payscore/authorization/refresh')
  })
}

// Base library ≥ 2.6.0 and WeChat ≥ 7.0.3 only; older clients have no wx.openBusinessView at all.
function canOpenWechatPayPage() {
  return typeof wx.openBusinessView === 'function'
}

// page = {businessType, extraData} as the server hands it out: wxpayScoreEnable (authorisation) or
// wxpayScoreUse (需确认 order confirmation) or wxpayScoreDetail (paying an order on its Pay Score
// page). wx.openBusinessView as a promise that never rejects (utils/wx-result.js):
//   { ok: true }                    WeChat's page was shown and closed (agreed or not: ask the server)
//   { ok: false, cancelled: true }  the customer backed out: their choice, not an error
//   { ok: false, errMsg }           anything else
function openWechatPayPage(page) {
  return wxResult.settle('openBusinessView', function (callbacks) {
    wx.openBusinessView({ businessType: page.businessType, extraData: page.extraData, success: callbacks.success, fail: callbacks.fail })
  })
}

module.exports = {
  startAuthorization: startAuthorization,
  refreshAuthorization: refreshAuthorization,
  canOpenWechatPayPage: canOpenWechatPayPage,
  openWechatPayPage: openWechatPayPage,
}
