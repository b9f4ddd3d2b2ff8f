// 我的订单 (docs/integrations/miniprogram-orders.md): the customer's orders, 去支付 and the check after
// paying. Every server call goes through services/api.js, so a refusal (application/problem+json with a
// Chinese title) is already a toast when these reject. Amounts are yuan, tickets whole numbers.
const api = require('./api')
const auth = require('./auth')
const wxResult = require('../utils/wx-result')

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

// wx.requestPayment with the five values the server signed (utils/wx-result.js: never rejects; no
// proof of payment either way, only a hint for the page).
function requestPayment(params) {
  return wxResult.settle('requestPayment', function (callbacks) {
    wx.requestPayment({
      timeStamp: params.timeStamp,
      nonceStr: params.nonceStr,
      package: params.package,
      signType: params.signType,
      paySign: params.paySign,
      success: callbacks.success,
      fail: callbacks.fail,
    })
  })
}

module.exports = {
  list: list,
  get: get,
  pay: pay,
  check: check,
  requestPayment: requestPayment,
}
