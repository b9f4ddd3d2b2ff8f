// 我的订单 (docs/integrations/miniprogram-orders.md): the customer's orders, 去支付 and the check after
// paying. Every server call goes through services/api.js, so a refusal (application/problem+json with a
// Chinese title) is already a toast when these reject. Amounts are yuan, tickets whole numbers.
const api = require('./api')
const auth = require('./auth')

const enc = encodeURIComponent

// → {items: [{orderNo, storeName, deviceCode, orderTime, totalAmount, itemCount, firstItemName,
//    firstItemImageUrl, paymentStatus, statusLabel, amountDue, canPay}], total, page, pageSize}, newest first.
function list(page, pageSize) {
  return auth.ensureLogin().then(function () {
    return api.get('/api/mp/orders', { page: page, pageSize: pageSize })
  })
}

// → the order detail (items, the ticket and WeChat parts, status, amountDue, canPay).
// options.silent: the order page's polling must not toast every lost answer.
function get(orderNo, options) {
  return auth.ensureLogin().then(function () {
    return api.get('/api/mp/orders/' + enc(orderNo), undefined, options)
  })
}

// 去支付. method 'jsapi' asks for a normal WeChat payment even for a Pay Score order (the fallback
// when WeChat's Pay Score page cannot be shown); omitted, the server picks.
// → {kind: 'jsapi' | 'payscore-page', requestPayment, payScorePage, order}
function pay(orderNo, method) {
  return auth.ensureLogin().then(function () {
    return api.post('/api/mp/orders/' + enc(orderNo) + '/pay', method ? { method: method } : {})
  })
}

// Back from wx.requestPayment or WeChat's Pay Score page, whatever they reported: the server asks
// WeChat and answers the order as it then stands. Only this answer says whether the order is paid.
function check(orderNo) {
  return auth.ensureLogin().then(function () {
    return api.post('/api/mp/orders/' + enc(orderNo) + '/payment-check')
  })
}

// wx.requestPayment with the five values the server signed, as a promise that never rejects (like
// payscore.openWechatPayPage). Its result is no proof of payment either way, only a hint for the page:
//   { ok: true }                    WeChat says the customer paid
//   { ok: false, cancelled: true }  the customer closed the payment sheet
//   { ok: false, errMsg }           anything else
function requestPayment(params) {
  return new Promise(function (resolve) {
    try {
      wx.requestPayment({
        timeStamp: params.timeStamp,
        nonceStr: params.nonceStr,
        package: params.package,
        signType: params.signType,
        paySign: params.paySign,
        success: function () {
          resolve({ ok: true })
        },
        fail: function (err) {
          const errMsg = (err && err.errMsg) || ''
          resolve({ ok: false, cancelled: /cancel/i.test(errMsg), errMsg: errMsg })
        },
      })
    } catch (e) {
      resolve({ ok: false, cancelled: false, errMsg: (e && e.message) || 'requestPayment threw' })
    }
  })
}

module.exports = {
  list: list,
  get: get,
  pay: pay,
  check: check,
  requestPayment: requestPayment,
}
