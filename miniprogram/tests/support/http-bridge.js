// wx.request over node:http with WeChat's semantics, for E2E tests against a real server:
//   - `success` for ANY HTTP status (4xx/5xx included), `fail` only when no answer came back;
//   - GET `data` becomes the query string, other methods send it as JSON;
//   - the body is parsed as JSON when it is JSON (dataType 'json'), else left as a string;
//   - header names arrive lowercased (Node) — the app must read them case-insensitively.
// jest's jsdom environment has no fetch, hence node:http.
const http = require('node:http')
const https = require('node:https')

function toQuery(data) {
  return Object.keys(data)
    .filter((k) => data[k] !== undefined && data[k] !== null)
    .map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(String(data[k])))
    .join('&')
}

function request(opts) {
  const method = (opts.method || 'GET').toUpperCase()
  let url = opts.url
  let body
  if (method === 'GET') {
    if (opts.data && typeof opts.data === 'object') {
      const qs = toQuery(opts.data)
      if (qs) url += (url.includes('?') ? '&' : '?') + qs
    }
  } else if (opts.data !== undefined) {
    body = typeof opts.data === 'string' ? opts.data : JSON.stringify(opts.data)
  }

  const target = new URL(url)
  const headers = Object.assign({}, opts.header)
  if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body)

  let done = false
  const finish = (fn, arg) => {
    if (done) return
    done = true
    if (fn) fn(arg)
    if (opts.complete) opts.complete(arg)
  }

  const req = (target.protocol === 'https:' ? https : http).request(
    target,
    // agent:false: no pooled keep-alive sockets left open when jest finishes.
    { method, headers, timeout: opts.timeout || 60000, agent: false },
    (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let data = text
        if (opts.dataType !== 'text') {
          try {
            data = text === '' ? '' : JSON.parse(text)
          } catch (e) {
            data = text
          }
        }
        finish(opts.success, { statusCode: res.statusCode, header: res.headers, data, errMsg: 'request:ok' })
      })
      res.on('error', (e) => finish(opts.fail, { errMsg: 'request:fail ' + e.message }))
    },
  )
  req.on('timeout', () => req.destroy(new Error('timeout')))
  req.on('error', (e) => finish(opts.fail, { errMsg: 'request:fail ' + e.message }))
  if (body !== undefined) req.write(body)
  req.end()
  return { abort: () => req.destroy(new Error('abort')) }
}

// Plain JSON POST for test set-up (minting sandbox codes): resolves {status, headers, body}.
function postJson(baseUrl, path, payload) {
  return new Promise((resolve, reject) => {
    request({
      url: baseUrl + path,
      method: 'POST',
      data: payload,
      header: { 'Content-Type': 'application/json' },
      success: (res) => resolve({ status: res.statusCode, headers: res.header, body: res.data }),
      fail: (err) => reject(new Error(err.errMsg + ' (' + baseUrl + path + ')')),
    })
  })
}

// Plain GET for test set-up and sandbox state (a shelf): resolves {status, headers, body}.
function getJson(baseUrl, path) {
  return new Promise((resolve, reject) => {
    request({
      url: baseUrl + path,
      method: 'GET',
      header: { Accept: 'application/json' },
      success: (res) => resolve({ status: res.statusCode, headers: res.header, body: res.data }),
      fail: (err) => reject(new Error(err.errMsg + ' (' + baseUrl + path + ')')),
    })
  })
}

// A client that keeps cookies, for the admin API (the staff sign-in answers with a session cookie in
// Set-Cookie, sent back on every later call): get(path) / post(path, payload) resolve
// {status, headers, body} like getJson/postJson. Only name=value is kept (no domain/path/expiry:
// one server, one test); a cookie set to an empty value is dropped.
function cookieClient(baseUrl) {
  const jar = new Map()
  const keep = (setCookie) => {
    ;[].concat(setCookie || []).forEach((line) => {
      const pair = line.split(';')[0]
      const eq = pair.indexOf('=')
      if (eq <= 0) return
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (value) jar.set(name, value)
      else jar.delete(name)
    })
  }
  const call = (method, path, payload) =>
    new Promise((resolve, reject) => {
      const header = { Accept: 'application/json' }
      if (method !== 'GET') header['Content-Type'] = 'application/json'
      if (jar.size) header.Cookie = [...jar].map(([k, v]) => k + '=' + v).join('; ')
      request({
        url: baseUrl + path,
        method,
        data: payload,
        header,
        success: (res) => {
          keep(res.header['set-cookie'])
          resolve({ status: res.statusCode, headers: res.header, body: res.data })
        },
        fail: (err) => reject(new Error(err.errMsg + ' (' + baseUrl + path + ')')),
      })
    })
  return {
    get: (path) => call('GET', path),
    post: (path, payload) => call('POST', path, payload === undefined ? {} : payload),
    cookies: () => new Map(jar),
  }
}

module.exports = { request, postJson, getJson, cookieClient }
