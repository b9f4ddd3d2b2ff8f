const { loadPage, renderPage, text } = require('../support/pages') // sets global.wx stubs
const { createFakeWx, json, problem } = require('../support/fake-wx')
const { waitForData } = require('../support/wait')
const doors = require('../support/doors')
const config = require('../../src/config')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00Z'
const NO = 'DS20261125100000ABCDEF'
const SESSION_PATH = '/api/mp/sessions/' + NO

// In-test server: the session answers `answer(req)`; tests change it between polls.
let answer
const route = (req) => {
  const path = req.url.slice(BASE.length)
  if (path === '/api/mp/auth/login') return json(200, { token: 'tok', expiresAt: LATER, customer: {} })
  if (req.header.Authorization !== 'Bearer tok') return problem(401, { title: '请先登录' })
  if (path === SESSION_PATH) return answer(req)
  return problem(404, { title: '开门会话不存在' })
}
const status = (s, overrides) => () => json(200, doors.sessionView(s, overrides))

const fake = createFakeWx(route)
Object.assign(global.wx, fake.api)
const pageId = loadPage('pages/session/session')

const defaults = { pollIntervalMs: config.pollIntervalMs, pollMaxIntervalMs: config.pollMaxIntervalMs, pollBackoff: config.pollBackoff }
let page = null

beforeEach(() => {
  Object.assign(config, defaults, { baseUrl: BASE, pollIntervalMs: 0, pollMaxIntervalMs: 0 })
  fake.reset(route)
  answer = status('Opening')
  page = null
})

// Whatever a test does, no poll may keep running into the next one.
afterEach(() => {
  if (page) page.instance.onUnload()
  jest.useRealTimers()
})

const polls = () => fake.state.requests.filter((r) => r.url === BASE + SESSION_PATH)
const toastTitles = () => fake.state.toasts.map((t) => t.title)

async function open(query = { sessionNo: NO }) {
  page = renderPage(pageId)
  await page.instance.onLoad(query)
  return page
}

describe('session page states', () => {
  test('shows 正在开门 → 门已打开，请取商品 → 门已关闭，正在结算 → 已结算 by itself and stops at Settled', async () => {
    await open()
    expect(text(page, '#status')).toBe('正在开门')
    expect(text(page, '#hint')).toBe('柜门即将打开，请稍候')
    expect(text(page, '#store-name')).toBe('深圳欢乐谷儿童乐园')
    expect(text(page, '#device-code')).toBe('柜子：SZ001-D02')
    expect(text(page, '#payment')).toBe('支付方式：礼票')
    expect(page.querySelector('#home')).toBeUndefined()

    answer = status('Opened')
    await waitForData(page, (d) => d.status === 'Opened')
    expect(text(page, '#status')).toBe('门已打开，请取商品')
    expect(text(page, '#hint')).toBe('取完商品后请关好柜门，关门后自动结算')

    answer = status('Closed')
    await waitForData(page, (d) => d.status === 'Closed')
    expect(text(page, '#status')).toBe('门已关闭，正在结算')
    expect(text(page, '#home')).toBe('返回首页')
    expect(page.querySelector('#view-order')).toBeUndefined()
    expect(page.instance.data).toMatchObject({ ended: true, failed: false })

    // The vendor's order follows the close: the polls go on until the session is settled.
    const atClose = polls().length
    await waitForData(page, () => polls().length >= atClose + 2)
    answer = status('Settled', { orderNo: 'OD20261125113001123456' })
    await waitForData(page, (d) => d.status === 'Settled')
    expect(text(page, '#status')).toBe('已结算')
    expect(text(page, '#hint')).toBe('本次购物已完成，感谢光临')
    expect(text(page, '#view-order')).toBe('查看订单')
    expect(text(page, '#home')).toBe('返回首页')
    expect(page.querySelector('#no-purchase')).toBeUndefined()
    expect(page.instance.timer).toBeNull() // nothing scheduled any more
    expect(polls()[0].header.Authorization).toBe('Bearer tok')
    expect(toastTitles()).toEqual([])

    const count = polls().length
    await Promise.resolve()
    expect(polls()).toHaveLength(count)

    page.querySelector('#home').dispatchEvent('tap')
    await Promise.resolve()
    expect(fake.state.navigations).toEqual([{ type: 'switchTab', url: '/pages/index/index' }])
  })

  test('查看订单 opens the order page (navigateTo: 返回 comes back to the session)', async () => {
    answer = status('Settled', { orderNo: 'OD20261125113001123456' })
    await open()
    expect(page.instance.data).toMatchObject({ orderNo: 'OD20261125113001123456', noPurchase: false })

    page.querySelector('#view-order').dispatchEvent('tap')
    await Promise.resolve()
    expect(fake.state.navigations).toEqual([{ type: 'navigateTo', url: '/pages/order/order?orderNo=OD20261125113001123456' }])
  })

  test('settled without an order (nothing taken): 本次未购买商品，未扣款 and no 查看订单', async () => {
    answer = status('Settled', { orderNo: null })
    await open()

    expect(text(page, '#status')).toBe('已结算')
    expect(text(page, '#no-purchase')).toBe('本次未购买商品，未扣款')
    expect(page.querySelector('#view-order')).toBeUndefined()
    expect(text(page, '#home')).toBe('返回首页')
    expect(page.instance.timer).toBeNull()
  })

  test('an order number before Settled is not offered yet (the server stores both at once)', async () => {
    answer = status('Closed', { orderNo: 'OD1' })
    await open()
    expect(page.querySelector('#view-order')).toBeUndefined()
    expect(page.querySelector('#no-purchase')).toBeUndefined()
    expect(page.instance.data.orderNo).toBe('')
  })

  test.each(['Settled', 'Failed', 'Expired'])('stops polling at %s', async (s) => {
    answer = status(s)
    await open()
    expect(polls()).toHaveLength(1)
    expect(page.instance.timer).toBeNull()
    expect(page.instance.data.status).toBe(s)
  })

  test('Failed shows the server’s failureMessage with 重新扫码 and 返回', async () => {
    answer = status('Failed', { failureCode: 'LOCK_FAULT', failureMessage: '开门失败，请稍后重试', active: false })
    await open()

    expect(text(page, '#status')).toBe('开门失败')
    expect(text(page, '#failure')).toBe('开门失败，请稍后重试')
    expect(text(page, '#rescan')).toBe('重新扫码')
    expect(text(page, '#back')).toBe('返回')
    expect(page.querySelector('#home')).toBeUndefined()

    fake.state.canGoBack = false
    page.querySelector('#back').dispatchEvent('tap')
    await Promise.resolve()
    await Promise.resolve()
    expect(fake.state.navigations).toEqual([
      { type: 'navigateBack', delta: 1 },
      { type: 'switchTab', url: '/pages/index/index' },
    ])
  })

  test('Failed with PAYSCORE_NOT_IN_FORCE shows the message and 改用礼票开门 back to the same cabinet', async () => {
    answer = status('Failed', {
      paymentMethod: 'PayScore',
      active: false,
      failureCode: 'PAYSCORE_NOT_IN_FORCE',
      failureMessage: '微信支付分暂时无法下单，请稍后重试或使用礼票',
    })
    await open()

    expect(text(page, '#status')).toBe('开门失败')
    expect(text(page, '#failure')).toBe('微信支付分暂时无法下单，请稍后重试或使用礼票')
    expect(text(page, '#payment')).toBe('支付方式：微信支付分')
    expect(text(page, '#choose-tickets')).toBe('改用礼票开门')
    expect(text(page, '#back')).toBe('返回')
    expect(page.querySelector('#rescan')).toBeUndefined()
    expect(page.instance.timer).toBeNull()

    page.querySelector('#choose-tickets').dispatchEvent('tap')
    await Promise.resolve()
    // redirectTo: a new visit of the device page (new idempotency keys), tickets selected if usable.
    expect(fake.state.navigations).toEqual([{ type: 'redirectTo', url: '/pages/device/device?deviceCode=SZ001-D02&method=Tickets' }])
    expect(toastTitles()).toEqual([])
  })

  test('Failed with another code keeps 重新扫码 (the cabinet itself failed)', async () => {
    answer = status('Failed', { paymentMethod: 'PayScore', failureCode: 'LOCK_FAULT', failureMessage: '开门失败，请稍后重试' })
    await open()
    expect(page.querySelector('#choose-tickets')).toBeUndefined()
    expect(text(page, '#rescan')).toBe('重新扫码')
  })

  test('Failed without a message and Expired show a generic Chinese message', async () => {
    answer = status('Failed')
    await open()
    expect(text(page, '#failure')).toBe('开门未成功，请重新扫码或更换柜子')
    page.instance.onUnload()

    answer = status('Expired')
    await open()
    expect(text(page, '#status')).toBe('会话已超时')
    expect(text(page, '#failure')).toBe('本次购物已超时结束，请重新扫码')
  })

  test('重新扫码 scans from the camera and replaces the page with the scanned cabinet', async () => {
    answer = status('Failed')
    await open()

    fake.state.scanResult = { result: 'https://cab.example.com/d/SZ001-D01' }
    await page.instance.onRescan()
    expect(fake.state.scanOptions).toMatchObject({ onlyFromCamera: true, scanType: ['qrCode'] })
    expect(fake.state.navigations).toEqual([{ type: 'redirectTo', url: '/pages/device/device?deviceCode=SZ001-D01' }])

    fake.state.scanResult = { result: 'https://example.com/other' }
    await page.instance.onRescan()
    fake.state.scanResult = { errMsg: 'scanCode:fail cancel' }
    await page.instance.onRescan()
    expect(toastTitles()).toEqual(['无法识别的二维码'])
    expect(fake.state.navigations).toHaveLength(1)
  })

  test('an unknown session (404) shows the problem title and stops', async () => {
    answer = () => problem(404, { type: 'https://cabinetops.dev/problems/not-found', title: '开门会话不存在' })
    await open()

    expect(text(page, '#load-error')).toBe('开门会话不存在')
    expect(text(page, '#back')).toBe('返回')
    expect(page.instance.timer).toBeNull()
    expect(polls()).toHaveLength(1)
    expect(toastTitles()).toEqual([]) // polls are silent; the page shows it
  })

  test('a malformed sessionNo calls no server', async () => {
    await open({ sessionNo: '../x' })
    expect(text(page, '#load-error')).toBe('找不到该购物记录，请重新扫码')
    expect(fake.state.requests).toHaveLength(0)
  })
})

describe('session page polling', () => {
  test('a failed poll is retried silently; after three in a row the page says so, and recovers', async () => {
    let failures = 4
    answer = () => (failures-- > 0 ? { fail: 'timeout' } : json(200, doors.sessionView('Opened')))
    page = renderPage(pageId)
    const loading = page.instance.onLoad({ sessionNo: NO })

    await waitForData(page, (d) => d.pollTrouble !== '')
    expect(text(page, '#poll-trouble')).toBe('网络不稳定，正在重新获取柜门状态…')
    expect(text(page, '#loading')).toBe('正在获取柜门状态…')

    await waitForData(page, (d) => d.status === 'Opened')
    await loading
    expect(page.querySelector('#poll-trouble')).toBeUndefined()
    expect(text(page, '#status')).toBe('门已打开，请取商品')
    expect(toastTitles()).toEqual([])
  })

  test('a 5xx answer is retried like a lost one', async () => {
    let failures = 1
    answer = () => (failures-- > 0 ? json(503, '', 'text/plain') : json(200, doors.sessionView('Closed')))
    page = renderPage(pageId)
    page.instance.onLoad({ sessionNo: NO })
    await waitForData(page, (d) => d.status === 'Closed')
    expect(polls()).toHaveLength(2)
  })

  test('backs off from pollIntervalMs to pollMaxIntervalMs while nothing changes, and starts over after a change', async () => {
    jest.useFakeTimers()
    Object.assign(config, { pollIntervalMs: 1000, pollMaxIntervalMs: 5000, pollBackoff: 1.5 })
    const expectGaps = async (gaps) => {
      for (const gap of gaps) {
        const before = polls().length
        await jest.advanceTimersByTimeAsync(gap - 1)
        expect(polls()).toHaveLength(before)
        await jest.advanceTimersByTimeAsync(1)
        expect(polls()).toHaveLength(before + 1)
      }
    }
    answer = status('Opening')
    await open()
    expect(polls()).toHaveLength(1)

    // The first answer was a change (nothing → Opening): 1 s; then 1.5 s, 2.25 s, 3.375 s, 5 s, 5 s.
    await expectGaps([1000, 1500, 2250, 3375, 5000])
    answer = status('Opened') // answered at the next poll, 5 s later
    await expectGaps([5000])
    expect(page.instance.data.status).toBe('Opened')

    // The change brings the wait back to 1 s, growing again; Closed ends the polling.
    await expectGaps([1000, 1500])
    answer = status('Closed')
    await expectGaps([2250])
    expect(page.instance.data.status).toBe('Closed')
    // Closed is a change too: 1 s again while the order is awaited; Settled ends the polling.
    await expectGaps([1000, 1500])
    answer = status('Settled', { orderNo: 'OD1' })
    await expectGaps([2250])
    expect(page.instance.data.status).toBe('Settled')
    await jest.advanceTimersByTimeAsync(60000)
    expect(polls()).toHaveLength(13)
  })

  test('failed polls back off too', async () => {
    jest.useFakeTimers()
    Object.assign(config, { pollIntervalMs: 1000, pollMaxIntervalMs: 5000, pollBackoff: 2 })
    answer = () => ({ fail: 'timeout' })
    await open()
    // The first attempt failed: waits of 2 s, 4 s, 5 s, 5 s.
    for (const gap of [2000, 4000, 5000, 5000]) {
      const before = polls().length
      await jest.advanceTimersByTimeAsync(gap - 1)
      expect(polls()).toHaveLength(before)
      await jest.advanceTimersByTimeAsync(1)
      expect(polls()).toHaveLength(before + 1)
    }
    expect(page.instance.data.pollTrouble).not.toBe('')
  })

  test('unloading the page stops polling', async () => {
    jest.useFakeTimers()
    Object.assign(config, { pollIntervalMs: 1000, pollMaxIntervalMs: 5000 })
    await open()
    await jest.advanceTimersByTimeAsync(1000)
    expect(polls()).toHaveLength(2)

    page.instance.onUnload()
    await jest.advanceTimersByTimeAsync(60000)
    expect(polls()).toHaveLength(2)
    expect(page.instance.timer).toBeNull()
  })

  test('an answer that arrives after unload is ignored and schedules nothing', async () => {
    jest.useFakeTimers()
    Object.assign(config, { pollIntervalMs: 1000 })
    page = renderPage(pageId)
    const loading = page.instance.onLoad({ sessionNo: NO }) // request out, answer not yet delivered
    page.instance.onUnload()
    await loading

    expect(page.instance.data.status).toBe('')
    await jest.advanceTimersByTimeAsync(60000)
    expect(polls()).toHaveLength(1)
  })

  test('detaching the page (how a Component page is torn down) stops polling as well', async () => {
    jest.useFakeTimers()
    Object.assign(config, { pollIntervalMs: 1000 })
    await open()
    page.detach()
    await jest.advanceTimersByTimeAsync(60000)
    expect(polls()).toHaveLength(1)
  })
})
