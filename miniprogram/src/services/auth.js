// Customer login (docs/protocols/miniprogram-login.md §1): wx.login gives a single-use code,
// the server exchanges it with WeChat (code2Session) and answers with its own bearer token.
// The AppSecret and session_key never reach the mini-program.
const api = require('./api')
const session = require('./session')

const MSG_WX_LOGIN = '微信登录失败，请重试'

// One login at a time: the home page and 我的 may both ask for a token at startup, and each
// wx.login code is usable once, so parallel callers share the same attempt.
let pending = null

function wxLogin() {
  return new Promise(function (resolve, reject) {
    wx.login({
      success: function (res) {
        if (res && res.code) resolve(res.code)
        else reject(new Error('wx.login returned no code'))
      },
      fail: function (err) {
        reject(new Error((err && err.errMsg) || 'wx.login failed'))
      },
    })
  }).catch(function (err) {
    wx.showToast({ title: MSG_WX_LOGIN, icon: 'none', duration: 2500 })
    throw err
  })
}

function rememberCustomer(customer) {
  // getApp is absent under miniprogram-simulate; the cache is a convenience, not a dependency.
  if (!customer || typeof getApp !== 'function') return
  const app = getApp()
  if (app && app.globalData) app.globalData.customer = customer
}

// Always does a fresh wx.login + server login (used directly by api.js after a 401).
function login() {
  if (pending) return pending
  pending = wxLogin()
    .then(function (code) {
      return api.post('/api/mp/auth/login', { code: code }, { auth: false })
    })
    .then(function (body) {
      session.save(body.token, body.expiresAt)
      rememberCustomer(body.customer)
      pending = null
      return body
    }, function (err) {
      pending = null
      throw err
    })
  return pending
}

// Reuses a stored token that is still valid; logs in otherwise.
function ensureLogin() {
  if (session.hasValidToken()) return Promise.resolve()
  return login().then(function () {})
}

function me() {
  return ensureLogin()
    .then(function () {
      return api.get('/api/mp/me')
    })
    .then(function (customer) {
      rememberCustomer(customer)
      return customer
    })
}

// code = e.detail.code from <button open-type="getPhoneNumber"> (single use, 5 minutes).
function bindPhone(code) {
  return ensureLogin()
    .then(function () {
      return api.post('/api/mp/me/phone', { code: code })
    })
    .then(function (customer) {
      rememberCustomer(customer)
      return customer
    })
}

function logout() {
  session.clear()
}

module.exports = {
  login: login,
  ensureLogin: ensureLogin,
  me: me,
  bindPhone: bindPhone,
  logout: logout,
}
