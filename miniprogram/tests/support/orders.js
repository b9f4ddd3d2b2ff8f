// Orders as the server answers them (docs/integrations/miniprogram-orders.md), for unit tests.
// detail() is a ticket order paid in full; the overrides make the other cases: short of tickets
// (SHORT), held, Pay Score 支付中, failed.
const LABELS = { Unpaid: '待支付', Paying: '支付中', Paid: '已支付', Failed: '支付失败', Cancelled: '已取消' }

const COKE = { name: '可口可乐 330ml', imageUrl: 'https://img.example/coke.png', quantity: 2, unitPrice: 3.5, amount: 7 }
const CHIPS = { name: '乐事薯片 70g', imageUrl: null, quantity: 1, unitPrice: 5.5, amount: 5.5 }

function detail(overrides) {
  return Object.assign(
    {
      orderNo: 'OD20261125113001123456',
      sessionNo: 'DS20261125100000ABCDEF',
      storeName: '深圳欢乐谷儿童乐园',
      deviceCode: 'SZ001-D02',
      orderTime: '2026-11-25T03:30:01Z',
      paymentTime: '2026-11-25T03:30:02Z',
      totalAmount: 12.5,
      ticketAmount: 12.5,
      ticketsUsed: 6250,
      wxPaymentAmount: 0,
      paymentMethod: 'Tickets',
      paymentStatus: 'Paid',
      statusLabel: '已支付',
      paymentFailure: null,
      held: false,
      amountDue: 0,
      canPay: false,
      items: [COKE, CHIPS],
    },
    overrides,
  )
}

// 礼票 covered ¥10 (5000 tickets); ¥2.50 is due by WeChat.
const SHORT = {
  paymentTime: null,
  ticketAmount: 10,
  ticketsUsed: 5000,
  wxPaymentAmount: 2.5,
  paymentStatus: 'Unpaid',
  statusLabel: '待支付',
  paymentFailure: '礼票余额不足，剩余 ¥2.50 需微信支付',
  amountDue: 2.5,
  canPay: true,
}
// The short order once WeChat has the ¥2.50.
const SHORT_PAID = Object.assign({}, SHORT, {
  paymentTime: '2026-11-25T03:35:00Z',
  paymentStatus: 'Paid',
  statusLabel: '已支付',
  paymentFailure: null,
  amountDue: 0,
  canPay: false,
})
// A Pay Score order WeChat is still deducting: the re-pay entry is open.
const PAYSCORE_PAYING = {
  paymentMethod: 'PayScore',
  paymentTime: null,
  ticketAmount: 0,
  ticketsUsed: 0,
  wxPaymentAmount: 12.5,
  paymentStatus: 'Paying',
  statusLabel: '支付中',
  amountDue: 12.5,
  canPay: true,
}
const PAYSCORE_PAID = Object.assign({}, PAYSCORE_PAYING, {
  paymentTime: '2026-11-25T03:40:00Z',
  paymentStatus: 'Paid',
  statusLabel: '已支付',
  amountDue: 0,
  canPay: false,
})

// The list row of a detail.
function summary(d) {
  const items = d.items || []
  return {
    orderNo: d.orderNo,
    storeName: d.storeName,
    deviceCode: d.deviceCode,
    orderTime: d.orderTime,
    totalAmount: d.totalAmount,
    itemCount: items.reduce((n, i) => n + i.quantity, 0),
    firstItemName: items[0] ? items[0].name : null,
    firstItemImageUrl: items[0] ? items[0].imageUrl : null,
    paymentStatus: d.paymentStatus,
    statusLabel: d.statusLabel,
    amountDue: d.amountDue,
    canPay: d.canPay,
  }
}

// The n-th JSAPI payment attempt's wx.requestPayment values, as the server signs them.
function requestPayment(n) {
  return {
    timeStamp: String(1764041400 + n),
    nonceStr: 'nonce' + n,
    package: 'prepay_id=wx2026112511300' + n,
    signType: 'RSA',
    paySign: 'PAYSIGN' + n + '==',
  }
}

function jsapiAnswer(order, n = 1) {
  return { kind: 'jsapi', requestPayment: requestPayment(n), payScorePage: null, order: order }
}

function payScorePage(n = 1) {
  return {
    businessType: 'wxpayScoreDetail',
    extraData: {
      mch_id: '1900000109',
      service_id: '00004000000000000000000000000000',
      out_order_no: 'DS20261125100000ABCDEF',
      timestamp: String(1764041400 + n),
      nonce_str: 'psnonce' + n,
      sign_type: 'HMAC-SHA256',
      sign: 'PSSIGN' + n,
    },
  }
}

function payScoreAnswer(order, n = 1) {
  return { kind: 'payscore-page', requestPayment: null, payScorePage: payScorePage(n), order: order }
}

module.exports = {
  LABELS,
  COKE,
  CHIPS,
  SHORT,
  SHORT_PAID,
  PAYSCORE_PAYING,
  PAYSCORE_PAID,
  detail,
  summary,
  requestPayment,
  jsapiAnswer,
  payScorePage,
  payScoreAnswer,
}
