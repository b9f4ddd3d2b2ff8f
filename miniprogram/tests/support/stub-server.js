// A small in-process server that implements the mini-program API contract and the sandbox
// WeChat code minting of the embedded default server, so the E2E test always runs even when
// no E2E_BASE_URL is given. It mirrors the contract, not the C# implementation: codes are
// single use, problems are application/problem+json with Chinese titles.
//
// 扫码开门: precheck, store cabinets, the idempotent open and the session view, with the demo
// data of the real server (six stores × two online cabinets, 顾客一 with 5000 tickets, store
// minimum 500). Like the Xiaomai simulator, a cabinet's door is pulled open by itself shortly
// after the open (Opening → Opened) and closed only by POST /sandbox/xiaomai/devices/{code}/close,
// which reaches the session a moment later (the vendor's push), never in the same request.
//
// 微信支付分 (switch on, as in the demo data): the precheck offers Pay Score once the customer is
// authorised. POST /api/mp/payscore/authorization hands out a token; the sandbox "customer agrees"
// (POST /sandbox/wechatpay/users/{openid}/authorize?token=) changes WeChat's side at once and ours
// only when the notification arrives a moment later; …/authorization/refresh asks WeChat's side
// and overrules it, as the server does. Service orders are always put in force here.
const http = require('node:http')
const crypto = require('node:crypto')

const DEMO_OPENID = 'o-demo-customer'
const PROBLEM_BASE = 'https://cabinetops.local/problems/'

// WechatSimulator.OpenIdFor(alias) of the server: "o" + base64url(sha256("openid:" + alias))[0..27].
function openIdFor(alias) {
  const b64 = crypto.createHash('sha256').update('openid:' + alias, 'utf8').digest('base64')
  return 'o' + b64.replace(/\+/g, '-').replace(/\//g, '_').slice(0, 27)
}

const DEMO_STORES = [
  ['SZ001', '深圳欢乐谷儿童乐园', '深圳市南山区侨城西街 18 号'],
  ['SZ002', '深圳海岸城店', '深圳市南山区文心五路 33 号'],
  ['GZ001', '广州天河城店', '广州市天河区天河路 208 号'],
  ['FS001', '佛山岭南天地店', '佛山市禅城区祖庙路 1 号'],
  ['DG001', '东莞万达店', '东莞市南城区鸿福路 200 号'],
  ['ZH001', '珠海拱北店', '珠海市香洲区迎宾南路 1 号'],
]
const MIN_TICKETS = 500
const DOOR_PULL_MS = 100 // the simulator's "about 1 s", shortened
const PUSH_DELAY_MS = 30
const LABELS = {
  Created: '准备开门',
  Opening: '正在开门',
  Opened: '门已打开，请取商品',
  Closed: '门已关闭，正在结算',
  Settled: '已结算',
  Failed: '开门失败',
  Expired: '会话已超时',
}
const ACTIVE = { Created: true, Opening: true, Opened: true }
const PAYSCORE_LABELS = { Authorized: '已授权', Revoked: '已解除授权', Unknown: '未授权' }
const KEY_RE = /^[A-Za-z0-9_-]{8,64}$/
const CODE_RE = /^[A-Za-z0-9_-]{1,50}$/

function startStubServer() {
  const loginCodes = new Map() // code -> openid
  const phoneCodes = new Map() // code -> phone
  const tokens = new Map() // token -> {openid, expires}
  const customers = new Map() // openid -> {phone, ticketBalance, payScore, payScoreAt}
  const applyTokens = new Map() // apply_permissions_token -> openid that asked for it
  const wechatPayUsers = new Map() // openid -> 'AVAILABLE' | 'UNAVAILABLE' (WeChat's side)

  const newCode = () => crypto.randomBytes(12).toString('hex')
  const customerOf = (openid) => {
    if (!customers.has(openid)) customers.set(openid, { phone: null, ticketBalance: 0, payScore: 'Unknown', payScoreAt: null })
    return customers.get(openid)
  }
  customers.set(openIdFor('demo-customer-1'), { phone: '13800000001', ticketBalance: 5000, payScore: 'Unknown', payScoreAt: null })
  // WeChat Pay's notification of a change on its side reaches our server a moment later.
  const payScoreNotice = (openid, state) =>
    later(PUSH_DELAY_MS, () => Object.assign(customerOf(openid), { payScore: state, payScoreAt: new Date().toISOString() }))

  const stores = new Map() // code -> {storeCode, storeName, address}
  const devices = new Map() // code -> {deviceCode, storeCode, online}
  DEMO_STORES.forEach(([storeCode, storeName, address]) => {
    stores.set(storeCode, { storeCode, storeName, address })
    ;['D01', 'D02'].forEach((n) => devices.set(storeCode + '-' + n, { deviceCode: storeCode + '-' + n, storeCode, online: true }))
  })
  const sessions = new Map() // sessionNo -> {sessionNo, openid, deviceCode, paymentMethod, key, status, times…}
  const timers = new Set()
  const later = (ms, fn) => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
  }
  const activeFor = (pred) => [...sessions.values()].find((x) => ACTIVE[x.status] && pred(x))
  const sessionView = (x) => ({
    sessionNo: x.sessionNo,
    deviceCode: x.deviceCode,
    storeName: stores.get(devices.get(x.deviceCode).storeCode).storeName,
    paymentMethod: x.paymentMethod,
    status: x.status,
    statusLabel: LABELS[x.status],
    active: !!ACTIVE[x.status],
    failureCode: null,
    failureMessage: null,
    createdAt: x.createdAt,
    openedAt: x.openedAt || null,
    closedAt: x.closedAt || null,
    endedAt: null,
  })
  const move = (x, status) => {
    x.status = status
    if (status === 'Opened') x.openedAt = new Date().toISOString()
    if (status === 'Closed') x.closedAt = new Date().toISOString()
  }

  function precheck(openid, deviceCode) {
    const customer = customerOf(openid)
    const device = devices.get(deviceCode)
    const store = device && stores.get(device.storeCode)
    const minimum = store ? MIN_TICKETS : 0
    const mine = activeFor((x) => x.openid === openid)
    const refusal = !device ? ['device-not-found', '找不到该柜子，请重新扫码']
      : mine ? ['customer-active-session', '您有正在进行的购物，请先关门结算']
      : !device.online ? ['device-offline', '柜子离线，请稍后再试或更换柜子']
      : activeFor((x) => x.deviceCode === deviceCode) ? ['device-busy', '柜子正在被其他顾客使用，请稍候']
      : null
    const tickets = customer.ticketBalance >= minimum
      ? { method: 'Tickets', label: '礼票', available: true, reasonCode: null, reason: null, needsAuthorization: false }
      : { method: 'Tickets', label: '礼票', available: false, reasonCode: 'tickets-insufficient', reason: '礼票余额不足（至少需要 ' + minimum + ' 张）', needsAuthorization: false }
    const payScore = customer.payScore === 'Authorized'
      ? { method: 'PayScore', label: '微信支付分', available: true, reasonCode: null, reason: null, needsAuthorization: false }
      : { method: 'PayScore', label: '微信支付分', available: false, reasonCode: 'payscore-unauthorized', reason: '请先开通微信支付分（免押金，先用后付）', needsAuthorization: true }
    const methods = [payScore, tickets]
    const canOpen = !refusal && methods.some((m) => m.available)
    const [code, message] = refusal || (canOpen ? [null, null] : ['no-payment-method', '没有可用的支付方式'])
    return {
      canOpen,
      refusalCode: code,
      refusalMessage: message,
      device: device ? { deviceCode, storeCode: store.storeCode, storeName: store.storeName, online: device.online } : null,
      methods,
      ticketBalance: customer.ticketBalance,
      minTicketBalance: minimum,
      unpaidOrder: null,
      activeSessionNo: mine ? mine.sessionNo : null,
      payScoreServiceOrders: true,
    }
  }

  // A customer-facing refusal: 404 for an unknown cabinet, 409 otherwise (as the server does).
  const refuse = (res, code, message) => problem(res, code === 'device-not-found' ? 404 : 409, code, message)
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

  const validCode = (res, body) => {
    const code = body && body.deviceCode
    if (typeof code === 'string' && CODE_RE.test(code)) return code
    problem(res, 400, 'validation', '请求参数有误', { DeviceCode: ['设备编号格式不正确'] })
    return null
  }

  // Routes with a path parameter: [method, regex, handler(req, res, body, ...groups)].
  const paramRoutes = [
    ['GET', /^\/api\/mp\/stores\/([^/]+)\/cabinets$/, (req, res, body, code) => {
      if (!bearer(req)) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const store = stores.get(code)
      if (!store) return problem(res, 404, 'store-not-found', '找不到该门店，请重新扫码')
      const cabinets = [...devices.values()].filter((d) => d.storeCode === code).map((d) => {
        const busy = !!activeFor((x) => x.deviceCode === d.deviceCode)
        return { deviceCode: d.deviceCode, available: d.online && !busy, stateLabel: !d.online ? '离线' : busy ? '使用中' : '可使用' }
      })
      send(res, 200, { storeCode: store.storeCode, storeName: store.storeName, address: store.address, cabinets })
    }],
    ['GET', /^\/api\/mp\/sessions\/([^/]+)$/, (req, res, body, no) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const x = sessions.get(no)
      if (!x || x.openid !== openid) return problem(res, 404, 'not-found', '开门会话不存在')
      send(res, 200, sessionView(x))
    }],
    // WeChat Pay sandbox controls: the customer agrees on WeChat's page (a token from the
    // authorization endpoint is needed) or revokes in WeChat; our side learns it by notification.
    ['POST', /^\/sandbox\/wechatpay\/users\/([^/]+)\/authorize$/, (req, res, body, openid) => {
      const token = new URLSearchParams(req.url.split('?')[1] || '').get('token')
      if (!token || !applyTokens.has(token)) return problem(res, 409, 'conflict', '没有有效的授权令牌：请先在小程序中发起开通')
      wechatPayUsers.set(openid, 'AVAILABLE')
      payScoreNotice(openid, 'Authorized')
      send(res, 200, { openid, state: 'AVAILABLE' })
    }],
    ['POST', /^\/sandbox\/wechatpay\/users\/([^/]+)\/revoke$/, (req, res, body, openid) => {
      if (wechatPayUsers.get(openid) !== 'AVAILABLE') return problem(res, 409, 'conflict', '该用户未授权')
      wechatPayUsers.set(openid, 'UNAVAILABLE')
      payScoreNotice(openid, 'Revoked')
      send(res, 200, { openid, state: 'UNAVAILABLE' })
    }],
    // Xiaomai sandbox control: close the open door; the door.closed push arrives a moment later.
    ['POST', /^\/sandbox\/xiaomai\/devices\/([^/]+)\/close$/, (req, res, body, code) => {
      const x = activeFor((s) => s.deviceCode === code && s.status === 'Opened')
      if (!x) return problem(res, 409, 'conflict', '该柜子没有打开的门')
      later(PUSH_DELAY_MS, () => move(x, 'Closed'))
      send(res, 200, { device_code: code, door_state: 'CLOSED_LOCKED' })
    }],
  ]

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
    'POST /api/mp/precheck': (req, res, body) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const code = validCode(res, body)
      if (code) send(res, 200, precheck(openid, code))
    },
    'POST /api/mp/sessions': (req, res, body) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const code = validCode(res, body)
      if (!code) return
      const key = body.idempotencyKey
      if (typeof key !== 'string' || !KEY_RE.test(key)) {
        return problem(res, 400, 'validation', '请求参数有误', { IdempotencyKey: ['幂等键为 8-64 位字母、数字、_ 或 -'] })
      }
      if (body.paymentMethod !== 'Tickets' && body.paymentMethod !== 'PayScore') {
        return problem(res, 400, 'validation', '请求参数有误', { PaymentMethod: ['请选择支付方式'] })
      }
      // The same key answers the session it already made: a double tap opens the door once.
      const existing = [...sessions.values()].find((x) => x.openid === openid && x.key === key)
      if (existing) return send(res, 200, sessionView(existing))
      const check = precheck(openid, code)
      if (check.refusalCode && check.refusalCode !== 'no-payment-method') return refuse(res, check.refusalCode, check.refusalMessage)
      const method = check.methods.find((m) => m.method === body.paymentMethod)
      if (!method.available) return refuse(res, method.reasonCode, method.reason)
      const x = {
        sessionNo: 'DS' + Date.now() + crypto.randomBytes(3).toString('hex').toUpperCase(),
        openid,
        deviceCode: code,
        paymentMethod: body.paymentMethod,
        key,
        status: 'Opening',
        createdAt: new Date().toISOString(),
      }
      sessions.set(x.sessionNo, x)
      later(DOOR_PULL_MS, () => move(x, 'Opened')) // the vendor's door.opened push
      send(res, 200, sessionView(x))
    },
    'POST /api/mp/payscore/authorization': (req, res) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const token = 'sandbox-apt-' + crypto.randomBytes(12).toString('hex').toUpperCase()
      applyTokens.set(token, openid)
      send(res, 200, { businessType: 'wxpayScoreEnable', extraData: { apply_permissions_token: token } })
    },
    'POST /api/mp/payscore/authorization/refresh': (req, res) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const wechat = wechatPayUsers.get(openid)
      const c = customerOf(openid)
      c.payScore = wechat === 'AVAILABLE' ? 'Authorized' : wechat === 'UNAVAILABLE' ? 'Revoked' : 'Unknown'
      c.payScoreAt = new Date().toISOString()
      send(res, 200, { state: c.payScore, label: PAYSCORE_LABELS[c.payScore], at: c.payScoreAt })
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
      let handler = routes[req.method + ' ' + path]
      if (!handler) {
        for (const [method, re, fn] of paramRoutes) {
          const m = method === req.method && re.exec(path)
          if (m) {
            let args
            try {
              args = m.slice(1).map(decodeURIComponent)
            } catch (e) {
              break // a malformed %-escape: no such resource
            }
            handler = (rq, rs, body) => fn(rq, rs, body, ...args)
            break
          }
        }
      }
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
        close: () => {
          timers.forEach((t) => clearTimeout(t))
          timers.clear()
          return new Promise((r) => server.close(() => r()))
        },
      })
    })
  })
}

module.exports = { startStubServer, openIdFor }
