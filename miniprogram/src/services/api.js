// The only caller of wx.request (STYLE.md §4): base URL from config.js, bearer token, JSON,
// RFC 9457 problem+json errors turned into a readable toast, one transparent re-login on 401.
//
// request(options) resolves with the parsed body of a 2xx response and rejects with an
// ApiError { status, problem, message } otherwise. A toast has already been shown when it
// rejects (unless options.silent), so pages only need to reset their own state.
const config = require('../config')
const session = require('./session')

const MSG_NETWORK = '网络异常，请稍后重试'
const MSG_SERVER = '服务暂时不可用，请稍后重试'
const MSG_AUTH = '登录已失效，请重新进入小程序'

function ApiError(message, status, problem) {
  const err = new Error(message)
  err.name = 'ApiError'
  err.status = status // 0 = the request never got an HTTP answer
  err.problem = problem || null
  return err
}

// WeChat keeps the server's header case (it differs by platform) while Node lowercases, so
// look headers up case-insensitively.
function getHeader(headers, name) {
  if (!headers) return ''
  const wanted = name.toLowerCase()
  const keys = Object.keys(headers)
  for (let i = 0; i < keys.length; i++) {
    if (keys[i].toLowerCase() === wanted) return String(headers[keys[i]])
  }
  return ''
}

function isProblem(headers) {
  return /^\s*application\/problem\+json\s*(;|$)/i.test(getHeader(headers, 'Content-Type'))
}

// wx.request parses JSON itself for dataType 'json', but falls back to the raw string when it
// cannot; parse again defensively so callers always get an object when one was sent.
function parseBody(data) {
  if (typeof data !== 'string') return data
  if (data === '') return null
  try {
    return JSON.parse(data)
  } catch (e) {
    return data
  }
}

// A validation problem (ASP.NET ValidationProblemDetails) names the field that failed;
// its first message says more than the generic title, so it wins.
function problemMessage(problem) {
  if (problem && problem.errors && typeof problem.errors === 'object') {
    const fields = Object.keys(problem.errors)
    for (let i = 0; i < fields.length; i++) {
      const msgs = problem.errors[fields[i]]
      const first = Array.isArray(msgs) ? msgs[0] : msgs
      if (typeof first === 'string' && first) return first
    }
  }
  if (problem && typeof problem.title === 'string' && problem.title) return problem.title
  return MSG_SERVER
}

function toast(title) {
  // icon 'none' allows two lines of text; the other icons cut the title at 7 characters.
  wx.showToast({ title: title, icon: 'none', duration: 2500 })
}

// The bearer token, unless options.auth is false (the login call itself). Shared with the other
// transport that must carry it, wx.uploadFile (services/complaints.js).
function authorize(header, options) {
  if (options.auth !== false) {
    const token = session.getToken()
    if (token) header.Authorization = 'Bearer ' + token
  }
  return header
}

function send(options) {
  const method = options.method || 'GET'
  const header = { Accept: 'application/json, application/problem+json' }
  // WeChat's default is JSON too; saying so keeps the server's model binding unambiguous.
  if (method !== 'GET') header['Content-Type'] = 'application/json'
  Object.assign(header, options.header)
  authorize(header, options)
  return new Promise(function (resolve) {
    wx.request({
      url: config.baseUrl + options.url,
      method: method,
      data: options.data,
      header: header,
      dataType: 'json',
      timeout: config.requestTimeoutMs,
      // WeChat calls success for ANY HTTP status and fail only when no answer came back.
      success: function (res) {
        resolve({ ok: true, status: res.statusCode, headers: res.header || res.headers, body: parseBody(res.data) })
      },
      fail: function (err) {
        resolve({ ok: false, error: err })
      },
    })
  })
}

function fail(options, message, status, problem) {
  if (!options.silent) toast(message)
  return Promise.reject(ApiError(message, status, problem))
}

// One answer → the body of a 2xx, or a rejected ApiError (with its toast unless options.silent).
// `res` is what send() resolves with: {ok: false} when no answer came, else {ok: true, status,
// headers, body}; a transport that cannot see the headers (wx.uploadFile) passes `problem` itself.
// replay(retryOptions) sends the same call again; it runs at most once, after a re-login on 401.
function settle(options, res, replay) {
  if (!res.ok) return fail(options, MSG_NETWORK, 0, null)
  if (res.status >= 200 && res.status < 300) return res.body

  const problem =
    res.problem !== undefined ? res.problem : isProblem(res.headers) && res.body && typeof res.body === 'object' ? res.body : null

  // Expired/revoked token: log in once more and replay the request once. The login call
  // itself is sent with auth:false, so a refused wx.login code never loops back here.
  if (res.status === 401 && options.auth !== false && !options._retried) {
    session.clear()
    // Required lazily: auth.js requires this module, so a top-level require would be circular.
    const auth = require('./auth')
    return auth.login().then(function () {
      return replay(Object.assign({}, options, { _retried: true }))
    })
  }
  if (res.status === 401) session.clear()

  const message = problem ? problemMessage(problem) : res.status === 401 ? MSG_AUTH : MSG_SERVER
  return fail(options, message, res.status, problem)
}

function request(options) {
  return send(options).then(function (res) {
    return settle(options, res, request)
  })
}

module.exports = {
  request: request,
  get: function (url, data, options) {
    return request(Object.assign({ url: url, method: 'GET', data: data }, options))
  },
  post: function (url, data, options) {
    return request(Object.assign({ url: url, method: 'POST', data: data }, options))
  },
  // For another transport of the same server (wx.uploadFile in services/complaints.js), so its
  // answers are judged, toasted and retried exactly like wx.request's.
  authorize: authorize,
  settle: settle,
  fail: fail,
  parseBody: parseBody,
  getHeader: getHeader,
  problemMessage: problemMessage,
  MSG_NETWORK: MSG_NETWORK,
  MSG_SERVER: MSG_SERVER,
}
