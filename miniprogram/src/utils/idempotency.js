// Idempotency keys for POST /api/mp/sessions: the server opens the door once per key (per
// customer) and answers a repeated key with the session it already made. A page makes ONE key
// per open intent (per visit of the device page) and sends it with every retry and every tap, so
// a lost answer or a double tap can never open the door twice.
//
// Server rule: 8–64 characters of [A-Za-z0-9_-]. Uniqueness is only needed among one customer's
// keys, so time + Math.random is enough (wx.getRandomValues is asynchronous and not in every
// base library version).
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

function randomPart(length) {
  let out = ''
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(Math.random() * ALPHABET.length)]
  return out
}

function newKey() {
  return 'mp-' + Date.now().toString(36) + '-' + randomPart(12)
}

const KEY_RE = /^[A-Za-z0-9_-]{8,64}$/

module.exports = {
  newKey: newKey,
  isValidKey: function (key) {
    return typeof key === 'string' && KEY_RE.test(key)
  },
}
