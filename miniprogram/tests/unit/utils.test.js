const { createFakeWx } = require('../support/fake-wx')

const fake = createFakeWx()
global.wx = fake.api
const idempotency = require('../../src/utils/idempotency')
const format = require('../../src/utils/format')
const nav = require('../../src/utils/nav')
const doors = require('../../src/services/doors')
const polling = require('../../src/utils/polling')
const pageReturn = require('../../src/utils/page-return')
const config = require('../../src/config')

beforeEach(() => fake.reset())

describe('idempotency.newKey', () => {
  test('makes keys the server accepts (8–64 of [A-Za-z0-9_-]), different each time', () => {
    const keys = Array.from({ length: 50 }, () => idempotency.newKey())
    keys.forEach((k) => expect(k).toMatch(/^[A-Za-z0-9_-]{8,64}$/))
    expect(new Set(keys).size).toBe(keys.length)
    expect(idempotency.isValidKey(keys[0])).toBe(true)
    expect(idempotency.isValidKey('short')).toBe(false)
    expect(idempotency.isValidKey('has space in it')).toBe(false)
  })
})

describe('format', () => {
  test('beijingTime shows a UTC timestamp in Beijing time', () => {
    expect(format.beijingTime('2026-11-24T16:05:00.1234567Z')).toBe('2026-11-25 00:05')
    expect(format.beijingTime('not a time')).toBe('')
  })

  test('yuan shows two decimals', () => {
    expect(format.yuan(12.5)).toBe('¥12.50')
    expect(format.yuan('x')).toBe('')
  })

  test('paymentLabel names the session’s way to pay', () => {
    expect(['Tickets', 'PayScore', 'Other'].map(format.paymentLabel)).toEqual(['礼票', '微信支付分', ''])
  })
})

describe('nav', () => {
  test('page addresses encode their parameter', () => {
    expect(nav.entryPage({ type: 'device', code: 'SZ001-D01' })).toBe('/pages/device/device?deviceCode=SZ001-D01')
    expect(nav.entryPage({ type: 'store', code: 'SZ001' })).toBe('/pages/store/store?storeCode=SZ001')
    expect(nav.sessionPage('A&B')).toBe('/pages/session/session?sessionNo=A%26B')
    expect(nav.orderPage('OD1&x=2')).toBe('/pages/order/order?orderNo=OD1%26x%3D2')
    expect(nav.ORDERS).toBe('/pages/orders/orders')
  })
})

describe('doors statuses', () => {
  const ALL = ['Created', 'Opening', 'Opened', 'Closed', 'Settled', 'Failed', 'Expired']

  test('polling stops at Settled, Failed and Expired only (Closed waits for the order)', () => {
    expect(ALL.filter(doors.isStopStatus)).toEqual(['Settled', 'Failed', 'Expired'])
    expect(ALL.filter(doors.isFailedStatus)).toEqual(['Failed', 'Expired'])
  })

  test('the customer is done at Closed and Settled', () => {
    expect(ALL.filter(doors.isEndedStatus)).toEqual(['Closed', 'Settled'])
  })
})

describe('polling', () => {
  const saved = { pollIntervalMs: config.pollIntervalMs, pollMaxIntervalMs: config.pollMaxIntervalMs, pollBackoff: config.pollBackoff }
  afterEach(() => Object.assign(config, saved))

  test('nextDelay grows by pollBackoff between pollIntervalMs and pollMaxIntervalMs', () => {
    Object.assign(config, { pollIntervalMs: 1000, pollMaxIntervalMs: 5000, pollBackoff: 1.5 })
    const waits = [1000]
    while (waits.length < 7) waits.push(polling.nextDelay(waits[waits.length - 1]))
    expect(waits).toEqual([1000, 1500, 2250, 3375, 5000, 5000, 5000])
    expect(polling.nextDelay(0)).toBe(1000)
  })

  test('retryable: no answer, 5xx, 408 and 429 only', () => {
    expect([0, undefined, 500, 503, 408, 429, 400, 401, 404, 409].map((status) => polling.retryable({ status }))).toEqual([
      true, true, true, true, true, true, false, false, false, false,
    ])
    expect(polling.retryable(null)).toBe(true)
  })
})

describe('page-return tracker', () => {
  test('the callback and onShow of one opening ask once and share the answer', async () => {
    const returns = pageReturn.createReturnTracker()
    let asked = 0
    const ask = () => Promise.resolve(++asked)
    const attempt = returns.next()
    returns.leave(attempt)
    expect(returns.pending()).toBe(attempt)

    const viaShow = returns.shown((a) => returns.back(a, ask))
    const viaCallback = returns.back(attempt, ask)
    expect(await viaShow).toBe(1)
    expect(await viaCallback).toBe(1)
    expect(asked).toBe(1)
    expect(returns.pending()).toBe(0)
    expect(await returns.shown(() => Promise.reject(new Error('not pending')))).toBeUndefined()
  })

  test('only the newest opening is the latest; a new one is asked about again', async () => {
    const returns = pageReturn.createReturnTracker()
    const first = returns.next()
    returns.leave(first)
    await returns.back(first, () => 'first')
    const second = returns.next()
    expect([returns.isLatest(first), returns.isLatest(second)]).toEqual([false, true])
    returns.leave(second)
    expect(await returns.back(second, () => 'second')).toBe('second')
    expect(await returns.back(first, () => 'again')).toBe('second') // a late callback of the first
  })
})
