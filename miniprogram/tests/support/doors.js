// Pay Score as the precheck offers it: (a) switch on and the customer authorised, (b) switch on
// and not authorised (开通微信支付分 first), (c) switch off — WeChat opens without a service order
// and the order is paid afterwards (payScoreServiceOrders: false in the same answer).
const PAYSCORE_OK = { method: 'PayScore', label: '微信支付分', available: true, reasonCode: null, reason: null, needsAuthorization: false }
const PAYSCORE_UNAUTHORIZED = {
  method: 'PayScore',
  label: '微信支付分',
  available: false,
  reasonCode: 'payscore-unauthorized',
  reason: '请先开通微信支付分（免押金，先用后付）',
  needsAuthorization: true,
}
const PAYSCORE_SWITCH_OFF = { method: 'PayScore', label: '微信支付（先用后付）', available: true, reasonCode: null, reason: null, needsAuthorization: false }
const TICKETS_OK = { method: 'Tickets', label: '礼票', available: true, reasonCode: null, reason: null, needsAuthorization: false }
const TICKETS_LOW = {
  method: 'Tickets',
  label: '礼票',
  available: false,
  reasonCode: 'tickets-insufficient',
  reason: '礼票余额不足（至少需要 500 张）',
  needsAuthorization: false,
}

const DEVICE = { deviceCode: 'SZ001-D02', storeCode: 'SZ001', storeName: '深圳欢乐谷儿童乐园', online: true }

function precheck(overrides) {
  return Object.assign(
    {
      canOpen: true,
      refusalCode: null,
      refusalMessage: null,
      device: DEVICE,
      methods: [PAYSCORE_UNAUTHORIZED, TICKETS_OK],
      ticketBalance: 5000,
      minTicketBalance: 500,
      unpaidOrder: null,
      activeSessionNo: null,
      payScoreServiceOrders: true,
    },
    overrides,
  )
}

// A refusal as the server sends it: canOpen false with a stable code and the Chinese message.
function refused(code, message, overrides) {
  return precheck(Object.assign({ canOpen: false, refusalCode: code, refusalMessage: message }, overrides))
}

const LABELS = {
  Created: '准备开门',
  Opening: '正在开门',
  Opened: '门已打开，请取商品',
  Closed: '门已关闭，正在结算',
  Settled: '已结算',
  Failed: '开门失败',
  Expired: '会话已超时',
}

function sessionView(status, overrides) {
  return Object.assign(
    {
      sessionNo: 'DS20261125100000ABCDEF',
      deviceCode: 'SZ001-D02',
      storeName: '深圳欢乐谷儿童乐园',
      paymentMethod: 'Tickets',
      status: status,
      statusLabel: LABELS[status],
      active: status === 'Created' || status === 'Opening' || status === 'Opened',
      failureCode: null,
      failureMessage: null,
      createdAt: '2026-11-25T02:00:00.1234567Z',
      openedAt: null,
      closedAt: null,
      endedAt: null,
      payScoreConfirmation: null,
    },
    overrides,
  )
}

// Pay Score 需确认 mode: the session waits (Created) for the customer on WeChat's order confirmation
// page. The server signs the page's arguments afresh for every view, so view n has its own
// timestamp, nonce_str and sign.
function confirmationPage(n) {
  return {
    businessType: 'wxpayScoreUse',
    extraData: {
      mch_id: '1900000109',
      package: 'sandbox-package-0001',
      timestamp: String(1795572000 + n),
      nonce_str: 'nonce' + n,
      sign_type: 'HMAC-SHA256',
      sign: 'SIGN' + n,
    },
  }
}

function awaitingConfirmation(n, overrides) {
  return sessionView(
    'Created',
    Object.assign({ paymentMethod: 'PayScore', statusLabel: '请在微信支付分页面确认订单', payScoreConfirmation: confirmationPage(n) }, overrides),
  )
}

module.exports = {
  PAYSCORE_OK,
  PAYSCORE_UNAUTHORIZED,
  PAYSCORE_SWITCH_OFF,
  TICKETS_OK,
  TICKETS_LOW,
  DEVICE,
  LABELS,
  precheck,
  refused,
  sessionView,
  confirmationPage,
  awaitingConfirmation,
}
