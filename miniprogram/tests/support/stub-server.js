// A small in-process server that implements the mini-program API contract and the sandbox
// WeChat code minting of the embedded default server, so the E2E test always runs even when
// no E2E_BASE_URL is given. It mirrors the contract, not the C# implementation: codes are
// single use, problems are application/problem+json with Chinese titles.
const http = require('node:http')
const crypto = require('node:crypto')

const DEMO_OPENID = 'o-demo-customer'
const PROBLEM_BASE = 'https://cabinetops.local/problems/'

function startStubServer() {
  const loginCodes = new Map() // code -> openid
  const phoneCodes = new Map() // code -> phone
  const tokens = new Map() // token -> {openid, expires}
  const customers = new Map() // openid -> {phone, ticketBalance}

  const newCode = () => crypto.randomBytes(12).toString('hex')
  const customerOf = (openid) => {
    if (!customers.has(openid)) customers.set(openid, { phone: null, ticketBalance: 0 })
    return customers.get(openid)
  }
  const view = (c) => ({
    phoneBound: !!c.phone,
    maskedPhone: c.phone ? c.phone.slice(0, 3) + '****' + c.phone.slice(-4) : null,
    ticketBalance: c.ticketBalance,
  })

  const send = (res, status, body, type = 'application/json; charset=utf-8') => {
    res.writeHead(status, { 'Content-Type': type })
    res.end(JSON.stringify(body))
  }
  const problem = (res, status, slug, title, errors) =>
    send(res, status, Object.assign({ type: PROBLEM_BASE + slug, title, status }, errors ? { errors } : {}),
      'application/problem+json; charset=utf-8')

  const bearer = (req) => {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization || '')
    const t = m && tokens.get(m[1])
    return t && t.expires > Date.now() ? t.openid : null
  }

  const routes = {
    'POST /sandbox/wechat/login-codes': (req, res, body) => {
      const openid = (body && body.openid) || DEMO_OPENID
      const code = newCode()
      loginCodes.set(code, openid)
      send(res, 200, { code, openid })
    },
    'POST /sandbox/wechat/phone-codes': (req, res, body) => {
      const code = newCode()
      phoneCodes.set(code, (body && body.phone) || '13800000000')
      send(res, 200, { code })
    },
    'POST /api/mp/auth/login': (req, res, body) => {
      const code = body && body.code
      if (!code) return problem(res, 400, 'validation', '请求参数有误', { code: ['请提供登录凭证'] })
      const openid = loginCodes.get(code)
      if (!openid) return problem(res, 401, 'wechat-login-failed', '微信登录失败，请重试')
      loginCodes.delete(code)
      const token = crypto.randomBytes(24).toString('base64url')
      const expires = Date.now() + 2 * 3600 * 1000
      tokens.set(token, { openid, expires })
      send(res, 200, { token, expiresAt: new Date(expires).toISOString(), customer: view(customerOf(openid)) })
    },
    'GET /api/mp/me': (req, res) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthorized', '请先登录')
      send(res, 200, view(customerOf(openid)))
    },
    'POST /api/mp/me/phone': (req, res, body) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthorized', '请先登录')
      const code = body && body.code
      if (!code) return problem(res, 400, 'validation', '请求参数有误', { code: ['请提供手机号授权凭证'] })
      const phone = phoneCodes.get(code)
      if (!phone) return problem(res, 422, 'phone-code-invalid', '手机号验证失败，请重新授权')
      phoneCodes.delete(code)
      const c = customerOf(openid)
      c.phone = phone
      send(res, 200, view(c))
    },
  }

  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const path = req.url.split('?')[0]
      const handler = routes[req.method + ' ' + path]
      if (!handler) return problem(res, 404, 'not-found', '接口不存在')
      let body = null
      const text = Buffer.concat(chunks).toString('utf8')
      if (text) {
        try {
          body = JSON.parse(text)
        } catch (e) {
          return problem(res, 400, 'bad-json', '请求格式错误')
        }
      }
      handler(req, res, body)
    })
  })

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      resolve({
        baseUrl: 'http://127.0.0.1:' + port,
        close: () => new Promise((r) => server.close(() => r())),
      })
    })
  })
}

module.exports = { startStubServer }
