// 扫码开门 (docs/api.md, DoorSessionsApi): precheck, a store's cabinets, the idempotent open and
// the session status the session page polls. Every call goes through services/api.js, so a
// refusal (application/problem+json with a Chinese title) is already a toast when these reject.
const api = require('./api')
const auth = require('./auth')

// A session in one of these states will not move again by itself as far as the customer is
// concerned: Closed is followed by Settled on the server, but the customer can walk away then.
const STOP_STATUSES = { Closed: true, Settled: true, Failed: true, Expired: true }
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

// options.silent: polling must not toast every lost answer; the page says so itself.
function getSession(sessionNo, options) {
  return auth.ensureLogin().then(function () {
    return api.get('/api/mp/sessions/' + enc(sessionNo), undefined, options)
  })
}

module.exports = {
  precheck: precheck,
  storeCabinets: storeCabinets,
  openSession: openSession,
  getSession: getSession,
  isStopStatus: function (status) {
    return STOP_STATUSES[status] === true
  },
  isFailedStatus: function (status) {
    return FAILED_STATUSES[status] === true
  },
}
