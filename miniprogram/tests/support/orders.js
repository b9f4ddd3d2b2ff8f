// Orders as the server answers them (docs/integrations/miniprogram-orders.md), for unit tests.
// detail() is a ticket order paid in full; the overrides make the other cases: short of tickets
// (SHORT), held, Pay Score 支付中, failed, corrected with refunds (CORRECTED), a 补扣 (SUPPLEMENTARY).
// detail() has no orderType / relatedOrderNo / refunds, as an older server answers it.
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

// The short order once paid (¥10.00 by 5000 tickets, ¥2.50 by WeChat), corrected by staff to the
// cola only (¥7.00): ¥5.50 went back, newest first, ¥2.50 to WeChat (still 退款中) and ¥3.00 as 1500
// tickets (已退款).
const CORRECTED = Object.assign({}, SHORT_PAID, {
  totalAmount: 7,
  items: [COKE],
  orderType: 'Corrected',
  relatedOrderNo: null,
  refunds: [
    { amount: 2.5, channel: 'PayScore', channelLabel: '微信', tickets: 0, status: 'Processing', statusLabel: '退款中', createdAt: '2026-11-26T02:05:00Z' },
    { amount: 3, channel: 'Tickets', channelLabel: '礼票', tickets: 1500, status: 'Succeeded', statusLabel: '已退款', createdAt: '2026-11-26T02:04:30Z' },
  ],
})
// An extra charge for a bag of chips the cameras missed on order OD20261125113001000001.
const SUPPLEMENTARY = {
  totalAmount: 5.5,
  ticketAmount: 5.5,
  ticketsUsed: 2750,
  items: [CHIPS],
  orderType: 'Supplementary',
  relatedOrderNo: 'OD20261125113001000001',
  refunds: [],
}

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
  CORRECTED,
  SUPPLEMENTARY,
  detail,
  summary,
  requestPayment,
  jsapiAnswer,
  payScorePage,
  payScoreAnswer,
}
