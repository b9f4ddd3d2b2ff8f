// 去支付 on the order page: wx.requestPayment (jsapi) or WeChat's Pay Score order page (payscore-page,
// with 改用微信支付 when it cannot be shown), always followed by payment-check, whose answer is the only
// word on whether the order is paid; one payment at a time.
const { loadPage, renderPage, text } = require('../support/pages') // sets global.wx stubs
const { createFakeWx, json, problem } = require('../support/fake-wx')
const { waitForData } = require('../support/wait')
const fixtures = require('../support/orders')
const config = require('../../src/config')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00Z'
const NO = 'OD20261125113001123456'
const ORDER_PATH = '/api/mp/orders/' + NO
const PAY_PATH = ORDER_PATH + '/pay'
const CHECK_PATH = ORDER_PATH + '/payment-check'

// In-test server holding both sides as the real one does: our order, and whether WeChat has the
// money. Only payment-check (the server asking WeChat) moves the order; wx.requestPayment's own
// result never does. The customer pays by the fake payment sheet or WeChat's page (`collects`).
let order
let paidVersion
let wechatHasMoney
let payAnswer
let checkAnswer
const askWechat = () => {
  if (wechatHasMoney) order = paidVersion
  return json(200, order)
}
const route = (req) => {
  const path = req.url.slice(BASE.length)
  if (path === '/api/mp/auth/login') return json(200, { token: 'tok', expiresAt: LATER, customer: {} })
  if (req.header.Authorization !== 'Bearer tok') return problem(401, { title: '请先登录' })
  if (path === ORDER_PATH && req.method === 'GET') return json(200, order)
  if (path === PAY_PATH && req.method === 'POST') return payAnswer(req)
  if (path === CHECK_PATH && req.method === 'POST') return checkAnswer(req)
  return problem(404, { title: '订单不存在' })
}
const collects = () => {
  wechatHasMoney = true
  return {}
}

const fake = createFakeWx(route)
Object.assign(global.wx, fake.api)
const pageId = loadPage('pages/order/order')

let page = null

beforeEach(() => {
  Object.assign(config, { baseUrl: BASE, pollIntervalMs: 0, pollMaxIntervalMs: 0 })
  fake.reset(route)
  order = fixtures.detail(fixtures.SHORT)
  paidVersion = fixtures.detail(fixtures.SHORT_PAID)
  wechatHasMoney = false
  payAnswer = () => json(200, fixtures.jsapiAnswer(order))
  checkAnswer = askWechat
  page = null
})

afterEach(() => {
  if (page) page.instance.onUnload()
})

const calls = () =>
  fake.state.requests.filter((r) => r.url.startsWith(BASE + '/api/mp/orders')).map((r) => r.method + ' ' + r.url.slice(BASE.length + ORDER_PATH.length))
const paysSent = () => fake.state.requests.filter((r) => r.url === BASE + PAY_PATH)
const checks = () => fake.state.requests.filter((r) => r.url === BASE + CHECK_PATH)
const toastTitles = () => fake.state.toasts.map((t) => t.title)
const tap = (selector) => page.querySelector(selector).dispatchEvent('tap')

async function open() {
  page = renderPage(pageId)
  await page.instance.onLoad({ orderNo: NO })
  return page
}

describe('order page 去支付, jsapi', () => {
  test('paid in WeChat’s sheet → payment-check → 已支付 and 支付成功', async () => {
    fake.state.payment = collects
    await open()
    tap('#pay')
    await waitForData(page, (d) => d.order.status === 'Paid' && !d.paying)

    expect(calls()).toEqual(['GET ', 'POST /pay', 'POST /payment-check'])
    expect(paysSent()[0]).toMatchObject({ data: {}, header: { Authorization: 'Bearer tok' } })
    expect(fake.state.payments).toEqual([fixtures.requestPayment(1)])
    expect(text(page, '#status')).toBe('已支付')
    expect(text(page, '#payment-time')).toBe('支付时间：2026-11-25 11:35')
    expect(page.querySelector('#pay')).toBeUndefined()
    expect(page.querySelector('#failure')).toBeUndefined()
    expect(page.querySelector('#amount-due')).toBeUndefined()
    expect(toastTitles()).toEqual(['支付成功'])
  })

  test('closing the sheet: 已取消支付, the server is asked all the same, 去支付 stays', async () => {
    await open() // the fake's default: the customer closes the sheet
    tap('#pay')
    await waitForData(page, () => checks().length === 1)
    await waitForData(page, (d) => !d.paying)

    expect(fake.state.payments).toHaveLength(1)
    expect(toastTitles()).toEqual(['已取消支付'])
    expect(text(page, '#status')).toBe('待支付')
    expect(text(page, '#pay')).toBe('去支付')
    expect(page.querySelector('#pay-notice')).toBeUndefined()
  })

  test('another failure of the sheet: no toast, the server is asked, the page says it did not finish', async () => {
    fake.state.payment = () => ({ errMsg: 'requestPayment:fail system error' })
    await open()
    tap('#pay')
    await waitForData(page, (d) => d.payNotice !== '' && !d.paying)

    expect(checks()).toHaveLength(1)
    expect(text(page, '#pay-notice')).toBe('支付未完成，可再次点击去支付')
    expect(toastTitles()).toEqual([])
  })

  test('the sheet’s result is no proof: a failure report with the money at WeChat shows 已支付', async () => {
    fake.state.payment = () => {
      wechatHasMoney = true
      return { errMsg: 'requestPayment:fail system error' }
    }
    await open()
    tap('#pay')
    await waitForData(page, (d) => d.order.status === 'Paid' && !d.paying)
    expect(page.querySelector('#pay-notice')).toBeUndefined()
    expect(toastTitles()).toEqual(['支付成功'])
  })

  test('… and a success report the server cannot confirm keeps 去支付 with a notice', async () => {
    fake.state.payment = () => ({})
    await open()
    tap('#pay')
    await waitForData(page, (d) => d.payNotice !== '' && !d.paying)
    expect(text(page, '#status')).toBe('待支付')
    expect(text(page, '#pay-notice')).toBe('支付结果确认中，请稍后下拉刷新')
    expect(toastTitles()).toEqual([])
  })

  test('one payment at a time: taps while the sheet is open do nothing; afterwards 去支付 works again', async () => {
    const { shown, reportBack } = fake.pendingPayment()
    await open()
    tap('#pay')
    tap('#pay')
    await shown
    tap('#pay')
    await page.instance.onPay()
    expect(page.instance.data.paying).toBe(true)
    expect(paysSent()).toHaveLength(1)
    expect(fake.state.payments).toHaveLength(1)

    reportBack({ errMsg: 'requestPayment:fail cancel' })
    await waitForData(page, (d) => !d.paying)
    expect(checks()).toHaveLength(1)

    fake.state.payment = collects
    payAnswer = () => json(200, fixtures.jsapiAnswer(order, 2)) // the same attempt, a fresh prepay id
    tap('#pay')
    await waitForData(page, (d) => d.order.status === 'Paid' && !d.paying)
    expect(paysSent()).toHaveLength(2)
    expect(fake.state.payments.map((p) => p.package)).toEqual(['prepay_id=wx20261125113001', 'prepay_id=wx20261125113002'])
  })

  test('refused because it was paid meanwhile (409 order-paid): the title, then the order as it is now', async () => {
    await open()
    order = paidVersion
    payAnswer = () => problem(409, { type: 'https://cabinetops.dev/problems/order-paid', title: '订单已支付' })
    tap('#pay')
    await waitForData(page, (d) => d.order.status === 'Paid' && !d.paying)
    expect(toastTitles()).toEqual(['订单已支付'])
    expect(fake.state.payments).toHaveLength(0)
    expect(checks()).toHaveLength(0)
  })

  test('WeChat Pay unreachable (503): the title, 去支付 stays for another try', async () => {
    await open()
    payAnswer = () => problem(503, { type: 'https://cabinetops.dev/problems/wechatpay-unavailable', title: '微信支付暂时不可用，请稍后重试' })
    await page.instance.onPay()
    expect(toastTitles()).toEqual(['微信支付暂时不可用，请稍后重试'])
    expect(page.instance.data.paying).toBe(false)
    expect(text(page, '#pay')).toBe('去支付')
    expect(calls()).toEqual(['GET ', 'POST /pay'])
  })

  test('payment-check lost: its toast, the order as it was, 去支付 stays', async () => {
    fake.state.payment = collects
    checkAnswer = () => ({ fail: 'timeout' })
    await open()
    await page.instance.onPay()
    expect(toastTitles()).toEqual(['网络异常，请稍后重试'])
    expect(page.instance.data).toMatchObject({ paying: false, payNotice: '' })
    expect(text(page, '#pay')).toBe('去支付')
  })
})

describe('order page 去支付, Pay Score order page', () => {
  beforeEach(() => {
    order = fixtures.detail(fixtures.PAYSCORE_PAYING)
    paidVersion = fixtures.detail(fixtures.PAYSCORE_PAID)
    payAnswer = (req) => json(200, req.data && req.data.method === 'jsapi' ? fixtures.jsapiAnswer(order) : fixtures.payScoreAnswer(order))
  })

  test('WeChat’s page collects → back (its callback) → payment-check → 已支付; the later onShow asks nothing', async () => {
    fake.state.businessView = collects
    await open()
    expect(text(page, '#status')).toBe('支付中')
    tap('#pay')
    await waitForData(page, (d) => d.order.status === 'Paid' && !d.paying)

    expect(fake.state.businessViews).toEqual([fixtures.payScorePage(1)])
    expect(fake.state.payments).toHaveLength(0)
    expect(calls()).toEqual(['GET ', 'POST /pay', 'POST /payment-check'])
    expect(text(page, '#payment-method')).toBe('支付方式：微信支付分')

    await page.instance.onShow()
    expect(checks()).toHaveLength(1)
    expect(toastTitles()).toEqual([])
  })

  test('back through onShow before WeChat’s callback: asked once, on the first of the two', async () => {
    const { shown, reportBack } = fake.pendingBusinessView(collects)
    await open()
    tap('#pay')
    await shown
    tap('#pay') // still in flight: nothing
    expect(paysSent()).toHaveLength(1)

    await page.instance.onShow()
    expect(checks()).toHaveLength(1)
    expect(page.instance.data).toMatchObject({ paying: false, order: { status: 'Paid' } })

    reportBack({})
    await Promise.resolve()
    await page.instance.onShow()
    expect(checks()).toHaveLength(1)
    expect(fake.state.businessViews).toHaveLength(1)
  })

  test('backing out of WeChat’s page: no toast, the server is asked, 去支付 stays without a fallback', async () => {
    await open() // the fake's default: the customer backs out
    tap('#pay')
    await waitForData(page, (d) => !d.paying && checks().length === 1)
    expect(text(page, '#status')).toBe('支付中')
    expect(text(page, '#pay')).toBe('去支付')
    expect(page.querySelector('#pay-jsapi')).toBeUndefined()
    expect(toastTitles()).toEqual([])
  })

  test('WeChat’s page fails: the server is asked, then 改用微信支付 pays by JSAPI ({method: jsapi})', async () => {
    fake.state.businessView = () => ({ errMsg: 'openBusinessView:fail internal error' })
    await open()
    tap('#pay')
    await waitForData(page, (d) => d.fallback && !d.paying)

    expect(checks()).toHaveLength(1)
    expect(text(page, '#pay-notice')).toBe('无法打开微信支付分页面，可改用微信支付')
    expect(text(page, '#pay-jsapi')).toBe('改用微信支付')

    fake.state.payment = collects
    tap('#pay-jsapi')
    await waitForData(page, (d) => d.order.status === 'Paid' && !d.paying)
    expect(paysSent().map((r) => r.data)).toEqual([{}, { method: 'jsapi' }])
    expect(fake.state.payments).toEqual([fixtures.requestPayment(1)])
    expect(checks()).toHaveLength(2)
    expect(page.querySelector('#pay-jsapi')).toBeUndefined()
    expect(page.querySelector('#pay-notice')).toBeUndefined()
    expect(toastTitles()).toEqual(['支付成功'])
  })

  test('a WeChat without wx.openBusinessView is offered 改用微信支付 at once; closing that sheet is 已取消支付', async () => {
    delete global.wx.openBusinessView // fake.reset() puts it back for the next test
    await open()
    await page.instance.onPay()

    expect(checks()).toHaveLength(0)
    expect(text(page, '#pay-notice')).toBe('当前微信版本无法打开微信支付分页面，可改用微信支付')
    expect(text(page, '#pay')).toBe('去支付')
    expect(text(page, '#pay-jsapi')).toBe('改用微信支付')

    await page.instance.onPayJsapi() // the fake's default: the customer closes the sheet
    expect(paysSent().map((r) => r.data)).toEqual([{}, { method: 'jsapi' }])
    expect(toastTitles()).toEqual(['已取消支付'])
    expect(checks()).toHaveLength(1)
    expect(text(page, '#pay')).toBe('去支付')
    expect(page.instance.data.paying).toBe(false)
  })

  test('WeChat’s page fails but the server says it was paid: no fallback', async () => {
    fake.state.businessView = () => {
      wechatHasMoney = true
      return { errMsg: 'openBusinessView:fail internal error' }
    }
    await open()
    await page.instance.onPay()
    expect(page.instance.data).toMatchObject({ fallback: false, payNotice: '', order: { status: 'Paid' } })
    expect(page.querySelector('#pay-jsapi')).toBeUndefined()
  })
})
