// The device page with WeChat Pay Score: the three ways the precheck offers it, 开通微信支付分
// with a faked wx.openBusinessView, the choice between methods and the idempotency key per method.
const { loadPage, renderPage, text } = require('../support/pages') // sets global.wx stubs
const { createFakeWx, json, problem } = require('../support/fake-wx')
const { waitForData } = require('../support/wait')
const doors = require('../support/doors')
const config = require('../../src/config')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00Z'
const SESSION_NO = 'DS20261125100000ABCDEF'
const TOKEN = 'sandbox-apt-0123456789ABCDEF'
const AUTH_PATH = '/api/mp/payscore/authorization'
const REFRESH_PATH = '/api/mp/payscore/authorization/refresh'

// In-test server holding the customer's Pay Score state as the real one does: the precheck is
// built from it, WeChat's page (the faked openBusinessView) changes it, refresh reports it.
let customer
let authAnswer
let refreshAnswer
let openAnswer

function precheckAnswer() {
  const payScore = !customer.switchOn ? doors.PAYSCORE_SWITCH_OFF : customer.authorized ? doors.PAYSCORE_OK : doors.PAYSCORE_UNAUTHORIZED
  const tickets = customer.tickets ? doors.TICKETS_OK : doors.TICKETS_LOW
  const methods = [payScore, tickets]
  const overrides = { methods, ticketBalance: customer.tickets ? 5000 : 0, payScoreServiceOrders: customer.switchOn }
  if (customer.refusal) return doors.refused(customer.refusal[0], customer.refusal[1], overrides)
  return methods.some((m) => m.available) ? doors.precheck(overrides) : doors.refused('no-payment-method', '没有可用的支付方式', overrides)
}

const route = (req) => {
  const path = req.url.slice(BASE.length)
  if (path === '/api/mp/auth/login') return json(200, { token: 'tok', expiresAt: LATER, customer: {} })
  if (req.header.Authorization !== 'Bearer tok') return problem(401, { title: '请先登录' })
  if (path === '/api/mp/precheck') return json(200, precheckAnswer())
  if (path === AUTH_PATH) return authAnswer(req)
  if (path === REFRESH_PATH) return refreshAnswer(req)
  if (path === '/api/mp/sessions') return openAnswer(req)
  return json(404, '')
}

// WeChat's page as the customer sees it: agrees (with the token the server handed out) or backs out.
const agrees = (opts) => {
  if (opts.extraData.apply_permissions_token === TOKEN) customer.authorized = true
  return {}
}

const fake = createFakeWx(route)
Object.assign(global.wx, fake.api)
const pageId = loadPage('pages/device/device')

beforeEach(() => {
  config.baseUrl = BASE
  fake.reset(route)
  customer = { authorized: false, tickets: true, switchOn: true, refusal: null }
  authAnswer = () => json(200, { businessType: 'wxpayScoreEnable', extraData: { apply_permissions_token: TOKEN } })
  refreshAnswer = () =>
    json(200, customer.authorized ? { state: 'Authorized', label: '已授权', at: LATER } : { state: 'Unknown', label: '未授权', at: LATER })
  openAnswer = (req) => json(200, doors.sessionView('Opening', { sessionNo: SESSION_NO, paymentMethod: req.data.paymentMethod }))
})

const toastTitles = () => fake.state.toasts.map((t) => t.title)
const paths = () => fake.state.requests.map((r) => r.url.slice(BASE.length))
const requestsTo = (path) => fake.state.requests.filter((r) => r.url === BASE + path)
const opens = () => requestsTo('/api/mp/sessions')
const tap = (page, selector) => page.querySelector(selector).dispatchEvent('tap')

async function loaded(query = { deviceCode: 'SZ001-D02' }) {
  const page = renderPage(pageId)
  await page.instance.onLoad(query)
  return page
}

describe('device page Pay Score options', () => {
  test('(a) authorised: Pay Score is chosen by default and the open uses it', async () => {
    customer.authorized = true
    const page = await loaded()

    expect(page.instance.data).toMatchObject({ canOpen: true, selectedMethod: 'PayScore', payScoreAuthorizable: false })
    expect(text(page, '#method-PayScore')).toBe('微信支付分 ✓')
    expect(page.querySelector('#method-PayScore').dom.className).not.toContain('method-disabled')
    expect(page.querySelector('#authorize-payscore')).toBeUndefined()
    expect(text(page, '#open')).toBe('开门（微信支付分）')

    await page.instance.onOpen()
    expect(opens()[0].data).toMatchObject({ deviceCode: 'SZ001-D02', paymentMethod: 'PayScore' })
    expect(toastTitles()).toEqual([])
  })

  test('(b) not authorised: Pay Score shows the reason and 开通微信支付分, tickets are chosen', async () => {
    const page = await loaded()

    expect(page.instance.data).toMatchObject({ canOpen: true, selectedMethod: 'Tickets', payScoreAuthorizable: true })
    expect(text(page, '#method-PayScore')).toContain('请先开通微信支付分（免押金，先用后付）')
    expect(page.querySelector('#method-PayScore').dom.className).toContain('method-disabled')
    expect(text(page, '#authorize-payscore')).toBe('开通微信支付分')
    expect(text(page, '#open')).toBe('开门（礼票）')

    tap(page, '#method-PayScore') // not choosable until authorised
    await Promise.resolve()
    expect(page.instance.data.selectedMethod).toBe('Tickets')
    await page.instance.onOpen()
    expect(opens()[0].data.paymentMethod).toBe('Tickets')
  })

  test('(b) without enough tickets: no-payment-method, and 开通微信支付分 is the way forward', async () => {
    customer.tickets = false
    const page = await loaded()

    expect(text(page, '#refusal')).toBe('没有可用的支付方式')
    expect(text(page, '#authorize-payscore')).toBe('开通微信支付分')
    expect(page.querySelector('#open')).toBeUndefined()
    expect(page.instance.data.selectedMethod).toBe('')
  })

  test('(b) behind another refusal: no 开通 (authorising would not open the door)', async () => {
    customer.refusal = ['device-offline', '柜子离线，请稍后再试或更换柜子']
    const page = await loaded()

    expect(text(page, '#method-PayScore')).toContain('请先开通微信支付分（免押金，先用后付）')
    expect(page.querySelector('#authorize-payscore')).toBeUndefined()
    await page.instance.onAuthorizePayScore() // a stray call does nothing either
    expect(paths()).not.toContain(AUTH_PATH)
  })

  test('(c) switch off: 微信支付（先用后付） says the order is paid after the door closes, and opens with PayScore', async () => {
    customer.switchOn = false
    const page = await loaded()

    expect(page.instance.data).toMatchObject({ selectedMethod: 'PayScore', payScoreServiceOrders: false, payScoreAuthorizable: false })
    expect(text(page, '#method-PayScore')).toBe('微信支付（先用后付） ✓先取商品，关门后按订单金额用微信支付')
    expect(page.querySelector('#authorize-payscore')).toBeUndefined()
    expect(text(page, '#open')).toBe('开门（微信支付）')

    await page.instance.onOpen()
    expect(opens()[0].data.paymentMethod).toBe('PayScore')
  })
})

describe('device page 开通微信支付分', () => {
  test('WeChat’s page opens with the server’s businessType and token; back from it, refresh then precheck: Pay Score is chosen', async () => {
    customer.tickets = false
    fake.state.businessView = agrees
    const page = await loaded()

    tap(page, '#authorize-payscore')
    await waitForData(page, (d) => d.selectedMethod === 'PayScore' && !d.authorizing)

    expect(fake.state.businessViews).toEqual([{ businessType: 'wxpayScoreEnable', extraData: { apply_permissions_token: TOKEN } }])
    expect(paths()).toEqual(['/api/mp/auth/login', '/api/mp/precheck', AUTH_PATH, REFRESH_PATH, '/api/mp/precheck'])
    expect(requestsTo(REFRESH_PATH)[0]).toMatchObject({ method: 'POST', header: { Authorization: 'Bearer tok' } })
    expect(page.instance.data).toMatchObject({ canOpen: true, payScoreAuthorizable: false })
    expect(page.querySelector('#refusal')).toBeUndefined()
    expect(page.querySelector('#authorize-payscore')).toBeUndefined()
    expect(text(page, '#open')).toBe('开门（微信支付分）')
    expect(toastTitles()).toEqual([])

    await page.instance.onShow() // the page shows again after WeChat's page: already handled
    expect(requestsTo(REFRESH_PATH)).toHaveLength(1)

    await page.instance.onOpen()
    expect(opens()[0].data.paymentMethod).toBe('PayScore')
  })

  test('after authorising, Pay Score replaces the tickets the customer had chosen', async () => {
    fake.state.businessView = agrees
    const page = await loaded()
    expect(page.instance.data.selectedMethod).toBe('Tickets')

    await page.instance.onAuthorizePayScore()
    expect(page.instance.data.selectedMethod).toBe('PayScore')
  })

  test('a double tap asks for one token and opens WeChat’s page once', async () => {
    fake.state.businessView = agrees
    const page = await loaded()

    await Promise.all([page.instance.onAuthorizePayScore(), page.instance.onAuthorizePayScore()])
    expect(requestsTo(AUTH_PATH)).toHaveLength(1)
    expect(fake.state.businessViews).toHaveLength(1)
    expect(requestsTo(REFRESH_PATH)).toHaveLength(1)
  })

  test('backing out of WeChat’s page is no error: no toast, the server is still asked, 开通 stays', async () => {
    customer.tickets = false
    fake.state.businessView = () => ({ errMsg: 'openBusinessView:fail cancel' })
    const page = await loaded()

    await page.instance.onAuthorizePayScore()

    expect(toastTitles()).toEqual([])
    expect(paths().slice(2)).toEqual([AUTH_PATH, REFRESH_PATH, '/api/mp/precheck'])
    expect(page.instance.data).toMatchObject({ authorizing: false, payScoreAuthorizable: true, selectedMethod: '' })
    expect(text(page, '#authorize-payscore')).toBe('开通微信支付分')
  })

  test('another failure of WeChat’s page is a Chinese toast, and the server is still asked', async () => {
    fake.state.businessView = () => ({ errMsg: 'openBusinessView:fail internal error' })
    const page = await loaded()

    await page.instance.onAuthorizePayScore()

    expect(toastTitles()).toEqual(['无法打开微信支付分页面，请稍后重试'])
    expect(requestsTo(REFRESH_PATH)).toHaveLength(1)
    expect(page.instance.data.authorizing).toBe(false)
  })

  test('an old WeChat without wx.openBusinessView is asked to update, and nothing is requested', async () => {
    const page = await loaded()
    delete global.wx.openBusinessView // fake.reset() puts it back for the next test

    tap(page, '#authorize-payscore')
    await waitForData(page, (d) => d.authNotice !== '')

    expect(toastTitles()).toEqual(['当前微信版本过低，请升级微信后再开通微信支付分'])
    expect(text(page, '#authorize-notice')).toBe('当前微信版本过低，请升级微信后再开通微信支付分')
    expect(paths()).not.toContain(AUTH_PATH)
    expect(page.instance.data.authorizing).toBe(false)
    expect(text(page, '#open')).toBe('开门（礼票）') // tickets still work
  })

  test('WeChat unreachable (503 payscore-unavailable): the problem’s title, no page, 开通 can be tapped again', async () => {
    authAnswer = () =>
      problem(503, { type: 'https://cabinetops.dev/problems/payscore-unavailable', title: '微信支付分暂时无法开通，请稍后再试或使用礼票' })
    const page = await loaded()

    await page.instance.onAuthorizePayScore()

    expect(toastTitles()).toEqual(['微信支付分暂时无法开通，请稍后再试或使用礼票'])
    expect(fake.state.businessViews).toHaveLength(0)
    expect(paths()).not.toContain(REFRESH_PATH)
    expect(page.instance.data).toMatchObject({ authorizing: false, selectedMethod: 'Tickets' })

    authAnswer = () => json(200, { businessType: 'wxpayScoreEnable', extraData: { apply_permissions_token: TOKEN } })
    fake.state.businessView = agrees
    await page.instance.onAuthorizePayScore()
    expect(page.instance.data.selectedMethod).toBe('PayScore')
  })

  test('back through onShow before WeChat’s callback: handled once, on the first of the two', async () => {
    const { shown, reportBack } = fake.pendingBusinessView(agrees)
    const page = await loaded()
    await page.instance.onShow() // the first show, before any 开通: nothing to do
    expect(paths()).not.toContain(REFRESH_PATH)

    const authorizing = page.instance.onAuthorizePayScore()
    await shown
    await page.instance.onShow()
    expect(paths().slice(2)).toEqual([AUTH_PATH, REFRESH_PATH, '/api/mp/precheck'])
    expect(page.instance.data).toMatchObject({ selectedMethod: 'PayScore', authorizing: false })

    reportBack({}) // openBusinessView's success, late
    await authorizing
    expect(requestsTo(REFRESH_PATH)).toHaveLength(1)
    expect(requestsTo('/api/mp/precheck')).toHaveLength(2)
  })

  test('a refresh WeChat cannot answer is a toast; the precheck still runs', async () => {
    fake.state.businessView = agrees
    refreshAnswer = () =>
      problem(503, { type: 'https://cabinetops.dev/problems/payscore-unavailable', title: '暂时无法查询微信支付分状态，请稍后再试' })
    const page = await loaded()

    await page.instance.onAuthorizePayScore()

    expect(toastTitles()).toEqual(['暂时无法查询微信支付分状态，请稍后再试'])
    expect(requestsTo('/api/mp/precheck')).toHaveLength(2)
    // The notification reached the server meanwhile (here: the in-test state), so the precheck says so.
    expect(page.instance.data.selectedMethod).toBe('PayScore')
  })
})

describe('device page method choice and idempotency', () => {
  const keysOf = (method) => opens().filter((r) => r.data.paymentMethod === method).map((r) => r.data.idempotencyKey)

  test('one key per method per visit: a retry of a method reuses its key, the other method gets its own', async () => {
    customer.authorized = true
    openAnswer = () => ({ fail: 'timeout' }) // every answer lost: the outcome stays unknown
    const page = await loaded()

    await page.instance.onOpen() // Pay Score
    await page.instance.onRetry()
    await page.instance.onOpen() // Pay Score again
    tap(page, '#method-Tickets')
    await waitForData(page, (d) => d.selectedMethod === 'Tickets')
    await page.instance.onOpen()
    tap(page, '#method-PayScore')
    await waitForData(page, (d) => d.selectedMethod === 'PayScore')
    await page.instance.onOpen()

    const payScoreKeys = keysOf('PayScore')
    const ticketKeys = keysOf('Tickets')
    expect(payScoreKeys).toHaveLength(3)
    expect(new Set(payScoreKeys).size).toBe(1) // switching away and back kept the Pay Score key
    expect(ticketKeys).toHaveLength(1)
    expect(ticketKeys[0]).not.toBe(payScoreKeys[0])
    ticketKeys.concat(payScoreKeys).forEach((k) => expect(k).toMatch(/^[A-Za-z0-9_-]{8,64}$/))

    const next = await loaded() // a new visit: new keys
    await next.instance.onOpen()
    expect(keysOf('PayScore')[3]).not.toBe(payScoreKeys[0])
  })

  test('no open while 开通 is in flight', async () => {
    const { shown, reportBack } = fake.pendingBusinessView(() => {})
    const page = await loaded()

    const authorizing = page.instance.onAuthorizePayScore()
    await shown
    await page.instance.onOpen()
    expect(opens()).toHaveLength(0)

    reportBack({ errMsg: 'openBusinessView:fail cancel' })
    await authorizing
    await page.instance.onOpen()
    expect(opens()).toHaveLength(1)
  })

  test('method=Tickets (back from a Pay Score refusal) selects tickets once; a refresh keeps the customer’s own choice', async () => {
    customer.authorized = true
    const page = await loaded({ deviceCode: 'SZ001-D02', method: 'Tickets' })
    expect(page.instance.data.selectedMethod).toBe('Tickets')

    tap(page, '#method-PayScore')
    await waitForData(page, (d) => d.selectedMethod === 'PayScore')
    await page.instance.onRetry()
    expect(page.instance.data.selectedMethod).toBe('PayScore')

    customer.tickets = false // method=Tickets when tickets cannot be used: Pay Score, the page says why
    const other = await loaded({ deviceCode: 'SZ001-D02', method: 'Tickets' })
    expect(other.instance.data.selectedMethod).toBe('PayScore')
    expect(text(other, '#method-Tickets')).toContain('礼票余额不足（至少需要 500 张）')
  })

  test('Pay Score revoked between precheck and 开门: 409 payscore-unauthorized is shown, 重试 offers 开通 again', async () => {
    customer.authorized = true
    const page = await loaded()
    customer.authorized = false
    openAnswer = () =>
      problem(409, { type: 'https://cabinetops.dev/problems/payscore-unauthorized', title: '请先开通微信支付分（免押金，先用后付）' })

    await page.instance.onOpen()
    expect(toastTitles()).toEqual(['请先开通微信支付分（免押金，先用后付）'])
    expect(text(page, '#open-error')).toBe('请先开通微信支付分（免押金，先用后付）')

    await page.instance.onRetry()
    expect(page.instance.data).toMatchObject({ selectedMethod: 'Tickets', payScoreAuthorizable: true })
  })

  test('a Pay Score order WeChat does not put in force still hands over to the session page, which explains', async () => {
    customer.authorized = true
    openAnswer = () =>
      json(200, doors.sessionView('Failed', { sessionNo: SESSION_NO, paymentMethod: 'PayScore', active: false, failureCode: 'PAYSCORE_NOT_IN_FORCE', failureMessage: '微信支付分暂时无法下单，请稍后重试或使用礼票' }))
    const page = await loaded()

    await page.instance.onOpen()
    expect(fake.state.navigations).toEqual([{ type: 'redirectTo', url: '/pages/session/session?sessionNo=' + SESSION_NO }])
  })
})
