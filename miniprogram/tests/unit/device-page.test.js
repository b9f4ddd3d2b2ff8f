const { loadPage, renderPage, text } = require('../support/pages') // sets global.wx stubs
const { createFakeWx, json, problem } = require('../support/fake-wx')
const { waitForData } = require('../support/wait')
const doors = require('../support/doors')
const config = require('../../src/config')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00Z'
const SESSION_NO = 'DS20261125100000ABCDEF'

// In-test server: login always works; precheck answers `answer`, sessions answer `openAnswer(req)`.
let answer
let openAnswer
const route = (req) => {
  const path = req.url.slice(BASE.length)
  if (path === '/api/mp/auth/login') return json(200, { token: 'tok', expiresAt: LATER, customer: {} })
  if (req.header.Authorization !== 'Bearer tok') return problem(401, { title: '请先登录' })
  if (path === '/api/mp/precheck') return typeof answer === 'function' ? answer(req) : json(200, answer)
  if (path === '/api/mp/sessions') return openAnswer(req)
  return json(404, '')
}

const fake = createFakeWx(route)
Object.assign(global.wx, fake.api)
const pageId = loadPage('pages/device/device')

beforeEach(() => {
  config.baseUrl = BASE
  fake.reset(route)
  answer = doors.precheck()
  openAnswer = () => json(200, doors.sessionView('Opening', { sessionNo: SESSION_NO }))
})

const toastTitles = () => fake.state.toasts.map((t) => t.title)
const requestsTo = (path) => fake.state.requests.filter((r) => r.url === BASE + path)
const opens = () => requestsTo('/api/mp/sessions')

async function loaded(deviceCode = 'SZ001-D02') {
  const page = renderPage(pageId)
  await page.instance.onLoad({ deviceCode })
  return page
}

describe('device page precheck', () => {
  test('a cabinet that can open shows store, cabinet, methods, ticket balance and the store minimum', async () => {
    const page = await loaded()

    expect(requestsTo('/api/mp/precheck').map((r) => [r.method, r.data, r.header.Authorization])).toEqual([
      ['POST', { deviceCode: 'SZ001-D02' }, 'Bearer tok'],
    ])
    expect(text(page, '#store-name')).toBe('深圳欢乐谷儿童乐园')
    expect(text(page, '#device-code')).toBe('柜子：SZ001-D02')
    expect(text(page, '#tickets')).toBe('礼票余额：5000 张')
    expect(text(page, '#min-tickets')).toBe('本店使用礼票至少需要 500 张')
    expect(text(page, '#open')).toBe('开门（礼票）')
    expect(page.querySelector('#refusal')).toBeUndefined()
    expect(page.querySelector('#unpaid')).toBeUndefined()
    expect(page.instance.data).toMatchObject({ canOpen: true, selectedMethod: 'Tickets', loading: false })
    expect(toastTitles()).toEqual([])
  })

  test('Pay Score is shown disabled with the server’s reason and cannot be chosen', async () => {
    const page = await loaded()

    const payScore = page.querySelector('#method-PayScore')
    expect(payScore.dom.textContent).toContain('微信支付分')
    expect(payScore.dom.textContent).toContain('请先开通微信支付分（免押金，先用后付）')
    expect(payScore.dom.className).toContain('method-disabled')

    payScore.dispatchEvent('tap')
    await Promise.resolve()
    expect(page.instance.data.selectedMethod).toBe('Tickets')
    expect(text(page, '#method-Tickets')).toContain('✓')
  })

  test('an available method is chosen by tapping it, and the open uses it', async () => {
    answer = doors.precheck({ methods: [doors.PAYSCORE_OK, doors.TICKETS_OK] })
    const page = await loaded()
    expect(page.instance.data.selectedMethod).toBe('PayScore') // the default when it can be used

    page.querySelector('#method-Tickets').dispatchEvent('tap')
    await waitForData(page, (d) => d.selectedMethod === 'Tickets')
    expect(text(page, '#open')).toBe('开门（礼票）')

    page.querySelector('#method-PayScore').dispatchEvent('tap')
    await waitForData(page, (d) => d.selectedMethod === 'PayScore')
    await page.instance.onOpen()
    expect(opens()[0].data.paymentMethod).toBe('PayScore')
  })

  test('not enough tickets: the method says why and the page refuses with no-payment-method', async () => {
    answer = doors.refused('no-payment-method', '没有可用的支付方式', { methods: [doors.PAYSCORE_UNAUTHORIZED, doors.TICKETS_LOW], ticketBalance: 300 })
    const page = await loaded()

    expect(text(page, '#refusal')).toBe('没有可用的支付方式')
    expect(text(page, '#method-Tickets')).toContain('礼票余额不足（至少需要 500 张）')
    expect(text(page, '#tickets')).toBe('礼票余额：300 张')
    expect(text(page, '#min-tickets')).toBe('本店使用礼票至少需要 500 张')
    expect(page.querySelector('#open')).toBeUndefined()
    expect(page.instance.data.selectedMethod).toBe('')

    await page.instance.onOpen() // a stray tap (stub buttons ignore disabled) opens nothing
    expect(opens()).toHaveLength(0)
  })

  test.each([
    ['device-not-found', '找不到该柜子，请重新扫码', { device: null, minTicketBalance: 0 }],
    ['device-disabled', '该柜子暂停服务', {}],
    ['device-unbound', '该柜子尚未投入使用', { device: null, minTicketBalance: 0 }],
    ['store-disabled', '该门店暂停营业', {}],
    ['device-offline', '柜子离线，请稍后再试或更换柜子', { device: Object.assign({}, doors.DEVICE, { online: false }) }],
    ['device-busy', '柜子正在被其他顾客使用，请稍候', {}],
    ['customer-blocked', '您的账号暂时无法使用，请联系门店', {}],
    ['customer-active-session', '您有正在进行的购物，请先关门结算', { activeSessionNo: 'DS20261125090000QWERTY' }],
  ])('refusal %s shows its message with 重试 / 返回 and no 开门', async (code, message, overrides) => {
    answer = doors.refused(code, message, overrides)
    const page = await loaded()

    expect(text(page, '#refusal')).toBe(message)
    expect(page.instance.data.refusalCode).toBe(code)
    expect(page.querySelector('#open')).toBeUndefined()
    expect(text(page, '#retry')).toBe('重试')
    expect(text(page, '#back')).toBe('返回')
    expect(toastTitles()).toEqual([]) // a refusal is an answer, not an error
    if (overrides.device === null) {
      expect(text(page, '#store-name')).toBe('未知门店')
      expect(page.querySelector('#min-tickets')).toBeUndefined()
    }
  })

  test('customer-active-session links to the customer’s own session', async () => {
    answer = doors.refused('customer-active-session', '您有正在进行的购物，请先关门结算', { activeSessionNo: 'DS20261125090000QWERTY' })
    const page = await loaded()

    page.querySelector('#active-session').dispatchEvent('tap')
    await Promise.resolve()
    expect(fake.state.navigations).toEqual([{ type: 'navigateTo', url: '/pages/session/session?sessionNo=DS20261125090000QWERTY' }])
  })

  test('重试 prechecks again and shows the new answer', async () => {
    answer = doors.refused('device-busy', '柜子正在被其他顾客使用，请稍候')
    const page = await loaded()

    answer = doors.precheck()
    page.querySelector('#retry').dispatchEvent('tap')
    await waitForData(page, (d) => d.canOpen && !d.loading)

    expect(requestsTo('/api/mp/precheck')).toHaveLength(2)
    expect(page.querySelector('#refusal')).toBeUndefined()
    expect(text(page, '#open')).toBe('开门（礼票）')
  })

  test('返回 goes back, or to the home tab when there is no page to go back to', async () => {
    answer = doors.refused('device-offline', '柜子离线，请稍后再试或更换柜子')
    const page = await loaded()

    page.instance.onBack()
    fake.state.canGoBack = false
    page.instance.onBack()
    await Promise.resolve()
    await Promise.resolve()

    expect(fake.state.navigations).toEqual([
      { type: 'navigateBack', delta: 1 },
      { type: 'navigateBack', delta: 1 },
      { type: 'switchTab', url: '/pages/index/index' },
    ])
  })

  test('an unpaid order is shown and blocks opening; 去支付 opens the order page', async () => {
    answer = doors.refused('unpaid-order', '您有未支付的订单，请先完成支付', {
      unpaidOrder: { orderNo: 'SO202611240001', totalAmount: 0, orderTime: '2026-11-24T12:30:00Z' },
    })
    const page = await loaded()

    expect(text(page, '#refusal')).toBe('您有未支付的订单，请先完成支付')
    expect(text(page, '#unpaid-order-no')).toBe('订单号：SO202611240001')
    expect(text(page, '#unpaid-time')).toBe('下单时间：2026-11-24 20:30') // Beijing time
    expect(page.querySelector('#unpaid-amount')).toBeUndefined() // 0 = not priced: no wrong ¥0.00
    expect(text(page, '#unpaid-block')).toBe('请先支付该订单，才能再次开门')
    expect(page.querySelector('#pay-hint')).toBeUndefined()
    expect(page.querySelector('#open')).toBeUndefined()

    const before = fake.state.requests.length
    page.querySelector('#pay').dispatchEvent('tap')
    await Promise.resolve()
    // The order page pays; this page calls nothing meanwhile.
    expect(fake.state.navigations).toEqual([{ type: 'navigateTo', url: '/pages/order/order?orderNo=SO202611240001' }])
    expect(fake.state.requests).toHaveLength(before)

    // Even if the server said canOpen (it does not with an unpaid order), the page would not open.
    page.instance.setData({ canOpen: true })
    await page.instance.onOpen()
    expect(opens()).toHaveLength(0)
  })

  test('back from the order page after 去支付, the precheck runs again and the door can open', async () => {
    answer = doors.refused('unpaid-order', '您有未支付的订单，请先完成支付', {
      unpaidOrder: { orderNo: 'SO1', totalAmount: 2.5, orderTime: '2026-11-24T12:30:00Z' },
    })
    const page = await loaded()
    await page.instance.onShow() // shown without having left: nothing to do
    expect(requestsTo('/api/mp/precheck')).toHaveLength(1)

    page.querySelector('#pay').dispatchEvent('tap')
    await Promise.resolve()
    answer = doors.precheck() // paid on the order page
    await page.instance.onShow()

    expect(requestsTo('/api/mp/precheck')).toHaveLength(2)
    expect(page.querySelector('#unpaid')).toBeUndefined()
    expect(text(page, '#open')).toBe('开门（礼票）')
    await page.instance.onShow() // once per trip to the order page
    expect(requestsTo('/api/mp/precheck')).toHaveLength(2)
  })

  test('an unpaid order with an amount shows it in yuan', async () => {
    answer = doors.refused('unpaid-order', '您有未支付的订单，请先完成支付', {
      unpaidOrder: { orderNo: 'SO1', totalAmount: 12.5, orderTime: '2026-11-24T12:30:00Z' },
    })
    const page = await loaded()
    expect(text(page, '#unpaid-amount')).toBe('金额：¥12.50')
  })

  test('a precheck that gets no answer shows the network toast and 重试 / 返回', async () => {
    answer = () => ({ fail: 'timeout' })
    const page = await loaded()

    expect(toastTitles()).toEqual(['网络异常，请稍后重试'])
    expect(text(page, '#load-error')).toBe('网络异常，请稍后重试')
    expect(text(page, '#retry')).toBe('重试')

    answer = doors.precheck()
    await page.instance.onRetry()
    expect(text(page, '#open')).toBe('开门（礼票）')
  })

  test('a missing or malformed deviceCode asks to scan again without calling the server', async () => {
    const page = renderPage(pageId)
    await page.instance.onLoad({ deviceCode: 'SZ001 D02&x=1' })

    expect(text(page, '#load-error')).toBe('柜子编号无效，请重新扫码')
    expect(page.querySelector('#retry')).toBeUndefined()
    expect(text(page, '#back')).toBe('返回')
    expect(fake.state.requests).toHaveLength(0)
  })
})

describe('device page 开门', () => {
  test('opens with tickets and the visit’s idempotency key, then replaces itself by the session page', async () => {
    const page = await loaded()

    const navigation = fake.nextNavigation()
    page.querySelector('#open').dispatchEvent('tap')
    await navigation

    const [req] = opens()
    expect(req.method).toBe('POST')
    expect(req.header.Authorization).toBe('Bearer tok')
    expect(req.data).toEqual({ deviceCode: 'SZ001-D02', paymentMethod: 'Tickets', idempotencyKey: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) })
    expect(fake.state.navigations).toEqual([{ type: 'redirectTo', url: '/pages/session/session?sessionNo=' + SESSION_NO }])
    expect(toastTitles()).toEqual([])
  })

  test('a refused open shows the problem’s Chinese title as a toast and stays with 重试 / 返回', async () => {
    openAnswer = () => problem(409, { type: 'https://cabinetops.dev/problems/device-busy', title: '柜子正在被其他顾客使用，请稍候' })
    const page = await loaded()

    await page.instance.onOpen()

    expect(toastTitles()).toEqual(['柜子正在被其他顾客使用，请稍候'])
    expect(text(page, '#open-error')).toBe('柜子正在被其他顾客使用，请稍候')
    expect(page.querySelector('#open')).toBeUndefined()
    expect(text(page, '#retry')).toBe('重试')
    expect(text(page, '#back')).toBe('返回')
    expect(fake.state.navigations).toEqual([])

    // 重试 prechecks again; the door can open now, so 开门 comes back.
    await page.instance.onRetry()
    expect(page.querySelector('#open-error')).toBeUndefined()
    expect(text(page, '#open')).toBe('开门（礼票）')
  })

  test('a 403 customer-blocked problem is shown the same way', async () => {
    openAnswer = () => problem(403, { type: 'https://cabinetops.dev/problems/customer-blocked', title: '您的账号暂时无法使用，请联系门店' })
    const page = await loaded()
    await page.instance.onOpen()
    expect(toastTitles()).toEqual(['您的账号暂时无法使用，请联系门店'])
    expect(text(page, '#open-error')).toBe('您的账号暂时无法使用，请联系门店')
  })

  test('two quick taps send one open', async () => {
    const page = await loaded()

    const first = page.instance.onOpen()
    const second = page.instance.onOpen()
    await Promise.all([first, second])

    expect(opens()).toHaveLength(1)
    expect(fake.state.navigations.filter((n) => n.type === 'redirectTo')).toHaveLength(1)
  })

  test('the idempotency key is the same for every tap of one visit and new for the next visit', async () => {
    // First tap: the answer is lost (outcome unknown: the server may have opened the door).
    openAnswer = () => ({ fail: 'timeout' })
    const page = await loaded()
    await page.instance.onOpen()
    expect(toastTitles()).toEqual(['网络异常，请稍后重试'])

    // The customer taps again after 重试: the same key, so the server returns the session it made.
    openAnswer = () => json(200, doors.sessionView('Opened', { sessionNo: SESSION_NO }))
    await page.instance.onRetry()
    await page.instance.onOpen()

    const keys = opens().map((r) => r.data.idempotencyKey)
    expect(keys).toHaveLength(2)
    expect(keys[1]).toBe(keys[0])
    expect(fake.state.navigations).toEqual([{ type: 'redirectTo', url: '/pages/session/session?sessionNo=' + SESSION_NO }])

    // A new scan is a new visit and a new open intent.
    const next = await loaded()
    await next.instance.onOpen()
    expect(opens()[2].data.idempotencyKey).not.toBe(keys[0])
  })
})
