// What the pages that follow a state on the server (the session page: the door; the order page: a
// payment WeChat is still taking) share about polling: how the wait grows while nothing changes, and
// which failures are worth asking again.
const config = require('../config')

// The next wait after `delay` brought no change: grown by pollBackoff, between pollIntervalMs and
// pollMaxIntervalMs (config.js), read at call time so tests can change them.
function nextDelay(delay) {
  const grown = Math.round(delay * config.pollBackoff)
  return Math.min(config.pollMaxIntervalMs, Math.max(config.pollIntervalMs, grown))
}

// 0 = the request never got an answer, 5xx = server trouble, 408/429 = try later: worth retrying.
// Any other 4xx (404 not this customer's, 401 after the one re-login) will not get better by asking
// again.
function retryable(err) {
  const s = err && err.status
  return !s || s >= 500 || s === 408 || s === 429
}

module.exports = { nextDelay, retryable }
