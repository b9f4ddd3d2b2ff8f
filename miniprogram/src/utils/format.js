// Display helpers. The server sends amounts in yuan (decimal) and times in UTC ISO-8601; the
// customer reads Beijing time (China has no daylight saving, so a fixed +8 h is exact).
// The .NET timestamp parser lives with the token code that needed it first; one parser for both.
const session = require('../services/session')

const BEIJING_OFFSET_MS = 8 * 3600 * 1000

// The door session's (and so the order's) way to pay, as the customer reads it.
const PAYMENT_LABELS = { Tickets: '礼票', PayScore: '微信支付分' }

const pad = (n) => (n < 10 ? '0' : '') + n

function yuan(amount) {
  const n = Number(amount)
  return isFinite(n) ? '¥' + n.toFixed(2) : ''
}

// "2026-11-25T02:03:04.1234567Z" → "2026-11-25 10:03"; '' when unreadable.
function beijingTime(iso) {
  const t = session.parseIsoUtc(iso)
  if (isNaN(t)) return ''
  const d = new Date(t + BEIJING_OFFSET_MS)
  return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes())
}

function paymentLabel(method) {
  return PAYMENT_LABELS[method] || ''
}

module.exports = { yuan: yuan, beijingTime: beijingTime, paymentLabel: paymentLabel }
