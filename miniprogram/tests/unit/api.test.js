const { createFakeWx, json, problem } = require('../support/fake-wx')

const fake = createFakeWx()
global.wx = fake.api
const config = require('../../src/config')
const session = require('../../src/services/session')
const api = require('../../src/services/api')
const auth = require('../../src/services/auth')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00.0000000Z'
const CUSTOMER = { phoneBound: false, maskedPhone: null, ticketBalance: 0 }
const loginOk = (token) => json(200, { token, expiresAt: LATER, customer: CUSTOMER })
const requestsTo = (path) => fake.state.requests.filter((r) => r.url === BASE + path)

beforeEach(() => {
  config.baseUrl = BASE
  fake.reset(() => json(200, {}))
})

describe('api.request', () => {
  test('prefixes the base URL and sends the bearer token when logged in', async () => {
    session.save('tok-1', LATER)
    fake.state.route = () => json(200, { phoneBound: true })

    await expect(api.get('/api/mp/me')).resolves.toEqual({ phoneBound: true })

    const [req] = fake.state.requests
    expect(req.url).toBe(BASE + '/api/mp/me')
    expect(req.header.Authorization).toBe('Bearer tok-1')
  })

  test('sends no Authorization header for auth:false calls', async () => {
    session.save('tok-1', LATER)
    await api.post('/api/mp/auth/login', { code: 'c' }, { auth: false })
    expect(fake.state.requests[0].header.Authorization).toBeUndefined()
  })

  test('parses a JSON body that arrives as a string', async () => {
    fake.state.route = () => json(200, '{"ticketBalance":1500}')
    await expect(api.get('/api/mp/me')).resolves.toEqual({ ticketBalance: 1500 })
  })

  test('shows the problem title as a toast and rejects with status and problem', async () => {
    fake.state.route = () =>
      problem(422, { type: 'https://cabinetops/problems/phone-code-invalid', title: '手机号验证失败，请重试' })

    const err = await api.post('/api/mp/me/phone', { code: 'x' }).catch((e) => e)

    expect(err).toBeInstanceOf(Error)
    expect(err.status).toBe(422)
    expect(err.problem.type).toBe('https://cabinetops/problems/phone-code-invalid')
    expect(err.message).toBe('手机号验证失败，请重试')
    expect(fake.state.toasts).toEqual([expect.objectContaining({ title: '手机号验证失败，请重试', icon: 'none' })])
  })

  test('prefers the first validation error message over the title', async () => {
    fake.state.route = () =>
      problem(400, { title: 'One or more validation errors occurred.', errors: { code: ['请提供登录凭证'] } })

    await expect(api.post('/api/mp/auth/login', {}, { auth: false })).rejects.toMatchObject({ status: 400 })
    expect(fake.state.toasts[0].title).toBe('请提供登录凭证')
  })

  test('reads the Content-Type header case-insensitively', async () => {
    fake.state.route = () => ({
      statusCode: 409,
      header: { 'content-TYPE': 'Application/Problem+JSON; charset=utf-8' },
      data: { title: '柜门已被占用', status: 409 },
    })

    await expect(api.get('/api/mp/me')).rejects.toMatchObject({ status: 409, problem: { title: '柜门已被占用' } })
    expect(fake.state.toasts[0].title).toBe('柜门已被占用')
  })

  test('shows a generic message for a non-problem error response', async () => {
    fake.state.route = () => json(502, '<html>Bad Gateway</html>', 'text/html')

    await expect(api.get('/api/mp/me')).rejects.toMatchObject({ status: 502, problem: null })
    expect(fake.state.toasts[0].title).toBe(api.MSG_SERVER)
  })

  test('shows the network message when the request fails without an answer', async () => {
    fake.state.route = () => ({ fail: 'timeout' })

    await expect(api.get('/api/mp/me')).rejects.toMatchObject({ status: 0, message: '网络异常，请稍后重试' })
    expect(fake.state.toasts).toEqual([expect.objectContaining({ title: '网络异常，请稍后重试', icon: 'none' })])
  })

  test('on 401 clears the token, logs in again once and retries once', async () => {
    session.save('stale', LATER)
    fake.state.loginCodes.push('fresh-code')
    fake.state.route = (req) => {
      if (req.url.endsWith('/api/mp/auth/login')) return loginOk('fresh')
      return req.header.Authorization === 'Bearer fresh'
        ? json(200, { phoneBound: false })
        : problem(401, { title: '请先登录' })
    }

    await expect(api.get('/api/mp/me')).resolves.toEqual({ phoneBound: false })

    expect(requestsTo('/api/mp/auth/login').map((r) => r.data)).toEqual([{ code: 'fresh-code' }])
    expect(requestsTo('/api/mp/me').map((r) => r.header.Authorization)).toEqual(['Bearer stale', 'Bearer fresh'])
    expect(fake.state.toasts).toEqual([])
    expect(session.getToken()).toBe('fresh')
  })

  test('on a second 401 after the retry gives up with a toast instead of looping', async () => {
    session.save('stale', LATER)
    fake.state.route = (req) =>
      req.url.endsWith('/api/mp/auth/login') ? loginOk('also-rejected') : problem(401, { title: '登录已过期' })

    await expect(api.get('/api/mp/me')).rejects.toMatchObject({ status: 401 })

    expect(requestsTo('/api/mp/auth/login')).toHaveLength(1)
    expect(requestsTo('/api/mp/me')).toHaveLength(2)
    expect(fake.state.toasts.map((t) => t.title)).toEqual(['登录已过期'])
    expect(session.getToken()).toBe('')
  })
})

describe('auth', () => {
  test('login stores the token and its expiry from the server', async () => {
    fake.state.loginCodes.push('wx-code')
    fake.state.route = () => loginOk('tok-9')

    const body = await auth.login()

    expect(body.customer).toEqual(CUSTOMER)
    expect(requestsTo('/api/mp/auth/login')[0]).toMatchObject({ method: 'POST', data: { code: 'wx-code' } })
    expect(fake.storage.get(session.STORAGE_KEY)).toEqual({ token: 'tok-9', expiresAt: LATER })
  })

  test('ensureLogin reuses a still-valid token without calling wx.login', async () => {
    session.save('kept', LATER)
    await auth.ensureLogin()
    expect(fake.state.loginCalls).toBe(0)
    expect(fake.state.requests).toHaveLength(0)
  })

  test('ensureLogin logs in again when the stored token has expired', async () => {
    session.save('old', '2000-01-01T00:00:00Z')
    fake.state.route = () => loginOk('new')
    await auth.ensureLogin()
    expect(session.getToken()).toBe('new')
  })

  test('parallel callers share one login (each wx.login code is single use)', async () => {
    fake.state.route = () => loginOk('shared')
    await Promise.all([auth.ensureLogin(), auth.ensureLogin(), auth.me()])
    expect(fake.state.loginCalls).toBe(1)
    expect(requestsTo('/api/mp/auth/login')).toHaveLength(1)
  })

  test('a refused login code shows the server title and leaves no token', async () => {
    fake.state.route = () =>
      problem(401, { type: 'https://cabinetops/problems/wechat-login-failed', title: '微信登录失败，请重试' })

    await expect(auth.ensureLogin()).rejects.toMatchObject({ status: 401 })
    expect(requestsTo('/api/mp/auth/login')).toHaveLength(1) // auth:false → no re-login loop
    expect(fake.state.toasts.map((t) => t.title)).toEqual(['微信登录失败，请重试'])
    expect(session.getToken()).toBe('')
  })

  test('bindPhone posts the phone code with the bearer token', async () => {
    session.save('tok', LATER)
    fake.state.route = () => json(200, { phoneBound: true, maskedPhone: '138****0000', ticketBalance: 0 })

    await expect(auth.bindPhone('phone-code')).resolves.toMatchObject({ maskedPhone: '138****0000' })
    expect(requestsTo('/api/mp/me/phone')[0]).toMatchObject({
      method: 'POST',
      data: { code: 'phone-code' },
      header: expect.objectContaining({ Authorization: 'Bearer tok' }),
    })
  })
})
