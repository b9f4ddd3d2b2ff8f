// Where the server's bearer token lives. Kept apart from api.js and auth.js so neither has to
// require the other just to read or clear the token (api.js needs it for every request,
// auth.js writes it after login).
//
// Storage is the single source of truth (no in-memory copy): the token survives a restart of
// the mini-program, and a test that fakes wx.getStorageSync sees exactly what the code sees.
const config = require('../config')

const STORAGE_KEY = 'cabinetops.session'

// .NET writes ISO-8601 with up to 7 fractional digits ("2025-01-01T08:00:00.1234567Z").
// Date.parse of such strings is not reliable on every JS engine WeChat runs (iOS uses
// JavaScriptCore), so we parse the fields ourselves. Returns ms since epoch, or NaN.
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i

function parseIsoUtc(text) {
  if (typeof text !== 'string') return NaN
  const m = ISO_RE.exec(text.trim())
  if (!m) return NaN
  const ms = m[7] ? Number((m[7] + '00').slice(0, 3)) : 0
  let t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms)
  const zone = m[8]
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60 * 1000
  }
  return t
}

function read() {
  let stored
  try {
    stored = wx.getStorageSync(STORAGE_KEY)
  } catch (e) {
    return null // storage unavailable: behave as logged out, login will run again
  }
  if (!stored || typeof stored !== 'object' || !stored.token) return null
  return stored
}

function getToken() {
  const s = read()
  return s ? s.token : ''
}

// True when a token exists and does not expire within tokenRefreshSkewMs.
function hasValidToken(now) {
  const s = read()
  if (!s) return false
  const expires = parseIsoUtc(s.expiresAt)
  // An unreadable expiry is treated as expired: one extra login is cheaper than a 401 loop.
  if (isNaN(expires)) return false
  return expires - config.tokenRefreshSkewMs > (now === undefined ? Date.now() : now)
}

function save(token, expiresAt) {
  wx.setStorageSync(STORAGE_KEY, { token: token, expiresAt: expiresAt })
}

function clear() {
  try {
    wx.removeStorageSync(STORAGE_KEY)
  } catch (e) {
    // Nothing stored or storage unavailable: either way no token is left to send.
  }
}

module.exports = {
  STORAGE_KEY: STORAGE_KEY,
  getToken: getToken,
  hasValidToken: hasValidToken,
  save: save,
  clear: clear,
  parseIsoUtc: parseIsoUtc,
}
