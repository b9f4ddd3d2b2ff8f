// 扫码开门 (docs/api.md, DoorSessionsApi): precheck, a store's cabinets, the idempotent open, the
// session status the session page polls and, in Pay Score 需确认 mode, the check after WeChat's
// confirmation page. Every call goes through services/api.js, so a refusal (application/problem+json
// with a Chinese title) is already a toast when these reject.
const api = require('./api')
const auth = require('./auth')

// The door is shut for good: nothing is left for the customer to do (they can walk away).
const ENDED_STATUSES = { Closed: true, Settled: true }
// A session in one of these states never moves again. Closed is not one: the vendor's order follows
// it (→ Settled, with the order number the session page links to), so the page keeps polling.
const STOP_STATUSES = { Settled: true, Failed: true, Expired: true }
const FAILED_STATUSES = { Failed: true, Expired: true }

const enc = encodeURIComponent

// → {canOpen, refusalCode, refusalMessage, device, methods, ticketBalance, minTicketBalance,
//    unpaidOrder, activeSessionNo}. A refusal is a 200 answer with canOpen:false, not an error.
function precheck(deviceCode) {
  return auth.ensureLogin().then(function () {
    return api.post('/api/mp/precheck', { deviceCode: deviceCode })
  })
}

// → {storeCode, storeName, address, cabinets: [{deviceCode, available, stateLabel}]}
function storeCabinets(storeCode) {
  return auth.ensureLogin().then(function () {
    return api.get('/api/mp/stores/' + enc(storeCode) + '/cabinets')
  })
}

// paymentMethod: 'Tickets' | 'PayScore'. The same idempotencyKey returns the same session.
function openSession(deviceCode, paymentMethod, idempotencyKey) {
  return auth.ensureLogin().then(function () {
    return api.post('/api/mp/sessions', { deviceCode: deviceCode, paymentMethod: paymentMethod, idempotencyKey: idempotencyKey })
  })
}

// → the session view; orderNo is set once the vendor's order made one (null for an empty purchase).
// options.silent: polling must not toast every lost answer; the page says so itself.
function getSession(sessionNo, options) {
  return auth.ensureLogin().then(function () {
    return api.get('/api/mp/sessions/' + enc(sessionNo), undefined, options)
  })
}

// 需确认 mode (payscore.md §7.3): the customer is back from WeChat's order confirmation page, which
// cannot tell whether they confirmed; the server asks WeChat and, once the order is in force, sends
// the open. → the session as it is then (Opening once confirmed, still Created with the
// confirmation otherwise). Not silent: the customer is waiting for the door and is told why not.
function payScoreConfirmed(sessionNo) {
  return auth.ensureLogin().then(function () {
    return api.post('/api/mp/sessions/' + enc(sessionNo) + '/payscore-confirmed')
  })
}

module.exports = {
  precheck: precheck,
  storeCabinets: storeCabinets,
  openSession: openSession,
  getSession: getSession,
  payScoreConfirmed: payScoreConfirmed,
  isEndedStatus: function (status) {
    return ENDED_STATUSES[status] === true
  },
  isStopStatus: function (status) {
    return STOP_STATUSES[status] === true
  },
  isFailedStatus: function (status) {
    return FAILED_STATUSES[status] === true
  },
}
