// 订单详情 as it shows an order: items with images (or the placeholder), the ticket and WeChat parts,
// status, payment time, why it is unpaid, the held notice; the 已修正 / 补扣 tags, 原订单 and the
// 退款记录 card; and following an order WeChat is still taking the money for (支付中 with nothing to
// do) until it changes.
const { loadPage, renderPage, text, queryOf } = require('../support/pages') // sets global.wx stubs
const { createFakeWx, json, problem } = require('../support/fake-wx')
const { waitForData } = require('../support/wait')
const fixtures = require('../support/orders')
const config = require('../../src/config')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00Z'
const NO = 'OD20261125113001123456'
const ORDER_PATH = '/api/mp/orders/' + NO

let getAnswer
const route = (req) => {
  const path = req.url.slice(BASE.length)
  if (path === '/api/mp/auth/login') return json(200, { token: 'tok', expiresAt: LATER, customer: {} })
  if (req.header.Authorization !== 'Bearer tok') return problem(401, { title: '请先登录' })
  if (path === ORDER_PATH && req.method === 'GET') return getAnswer(req)
  return problem(404, { type: 'https://cabinetops.dev/problems/order-not-found', title: '订单不存在' })
}
const answering = (overrides) => () => json(200, fixtures.detail(overrides))

const fake = createFakeWx(route)
Object.assign(global.wx, fake.api)
const pageId = loadPage('pages/order/order')

const defaults = { pollIntervalMs: config.pollIntervalMs, pollMaxIntervalMs: config.pollMaxIntervalMs, pollBackoff: config.pollBackoff }
let page = null

beforeEach(() => {
  Object.assign(config, defaults, { baseUrl: BASE, pollIntervalMs: 0, pollMaxIntervalMs: 0 })
  fake.reset(route)
  getAnswer = answering()
  page = null
})

afterEach(() => {
  if (page) page.instance.onUnload()
  jest.useRealTimers()
})

const gets = () => fake.state.requests.filter((r) => r.url === BASE + ORDER_PATH)
const toastTitles = () => fake.state.toasts.map((t) => t.title)

async function open(query = { orderNo: NO }) {
  page = renderPage(pageId)
  await page.instance.onLoad(query)
  return page
}

describe('order page', () => {
  test('a ticket order paid in full: items, prices, 礼票 N 张 = ¥x, status, times, no 去支付', async () => {
    await open()

    expect(gets().map((r) => [r.method, r.header.Authorization])).toEqual([['GET', 'Bearer tok']])
    expect(text(page, '#status')).toBe('已支付')
    expect(text(page, '#store-name')).toBe('深圳欢乐谷儿童乐园')
    expect(text(page, '#device-code')).toBe('柜子：SZ001-D02')
    expect(text(page, '#order-no')).toBe('订单号：' + NO)
    expect(text(page, '#order-time')).toBe('下单时间：2026-11-25 11:30') // Beijing time
    expect(text(page, '#payment-time')).toBe('支付时间：2026-11-25 11:30')
    expect(text(page, '#payment-method')).toBe('支付方式：礼票')

    // simulate's <image> stub keeps no src; the bound value is what the page gives it.
    expect(page.querySelector('#item-image-0')).toBeDefined()
    expect(page.instance.data.order.items[0].imageUrl).toBe('https://img.example/coke.png')
    expect(page.querySelector('#item-placeholder-0')).toBeUndefined()
    expect(text(page, '#item-name-0')).toBe('可口可乐 330ml')
    expect(text(page, '#item-price-0')).toBe('¥3.50 × 2')
    expect(text(page, '#item-amount-0')).toBe('¥7.00')
    // imageUrl null: the placeholder
    expect(page.querySelector('#item-image-1')).toBeUndefined()
    expect(text(page, '#item-placeholder-1')).toBe('暂无图片')
    expect(text(page, '#item-name-1')).toBe('乐事薯片 70g')
    expect(text(page, '#item-price-1')).toBe('¥5.50 × 1')

    expect(text(page, '#total-amount')).toBe('¥12.50')
    expect(text(page, '#tickets-line')).toBe('礼票6250 张 = ¥12.50')
    expect(text(page, '#tickets-amount')).toBe('6250 张 = ¥12.50')
    expect(page.querySelector('#wechat-line')).toBeUndefined()
    for (const absent of ['#pay', '#pay-jsapi', '#amount-due', '#failure', '#held', '#pay-notice']) {
      expect(page.querySelector(absent)).toBeUndefined()
    }
    expect(page.instance.timer).toBeNull()
    expect(toastTitles()).toEqual([])
  })

  test('short of tickets: the ticket and WeChat parts, 待支付, the reason and 去支付', async () => {
    getAnswer = answering(fixtures.SHORT)
    await open()

    expect(text(page, '#status')).toBe('待支付')
    expect(text(page, '#amount-due')).toBe('待支付 ¥2.50')
    expect(text(page, '#failure')).toBe('礼票余额不足，剩余 ¥2.50 需微信支付')
    expect(text(page, '#tickets-amount')).toBe('5000 张 = ¥10.00')
    expect(text(page, '#wechat-line')).toBe('微信¥2.50')
    expect(text(page, '#total-amount')).toBe('¥12.50')
    expect(text(page, '#pay')).toBe('去支付')
    expect(page.querySelector('#pay-jsapi')).toBeUndefined()
    expect(page.querySelector('#payment-time')).toBeUndefined()
    expect(page.instance.timer).toBeNull()
  })

  test('a held order reads 审核中 with the notice and cannot be paid', async () => {
    getAnswer = answering(Object.assign({}, fixtures.SHORT, { held: true, statusLabel: '审核中', amountDue: 0, canPay: false, paymentFailure: null }))
    await open()

    expect(text(page, '#status')).toBe('审核中')
    expect(text(page, '#held')).toBe('订单审核中，审核完成前不会扣款')
    expect(page.querySelector('#pay')).toBeUndefined()
    expect(page.querySelector('#amount-due')).toBeUndefined()
  })

  test('a failed payment shows 支付失败 with the server’s reason and 去支付', async () => {
    getAnswer = answering({
      paymentTime: null,
      paymentStatus: 'Failed',
      statusLabel: '支付失败',
      paymentFailure: '礼票扣除未成功，请重新支付',
      ticketAmount: 0,
      ticketsUsed: 0,
      wxPaymentAmount: 12.5,
      amountDue: 12.5,
      canPay: true,
    })
    await open()

    expect(text(page, '#status')).toBe('支付失败')
    expect(text(page, '#failure')).toBe('礼票扣除未成功，请重新支付')
    expect(page.querySelector('#tickets-line')).toBeUndefined()
    expect(text(page, '#wechat-amount')).toBe('¥12.50')
    expect(text(page, '#pay')).toBe('去支付')
  })

  test('a Pay Score order paid by WeChat shows 微信支付分 and the WeChat part only', async () => {
    getAnswer = answering(fixtures.PAYSCORE_PAID)
    await open()

    expect(text(page, '#payment-method')).toBe('支付方式：微信支付分')
    expect(text(page, '#wechat-amount')).toBe('¥12.50')
    expect(page.querySelector('#tickets-line')).toBeUndefined()
    expect(text(page, '#payment-time')).toBe('支付时间：2026-11-25 11:40')
  })

  test('an image that cannot be loaded is replaced by the placeholder', async () => {
    await open()
    page.querySelector('#item-image-0').dispatchEvent('error', { detail: { errMsg: 'GET 404' } })
    await waitForData(page, (d) => d.order.items[0].imageUrl === '')
    expect(text(page, '#item-placeholder-0')).toBe('暂无图片')
    expect(text(page, '#item-name-0')).toBe('可口可乐 330ml')
  })

  test('another customer’s or an unknown order: the problem’s title with 重试 and 返回', async () => {
    getAnswer = () => problem(404, { type: 'https://cabinetops.dev/problems/order-not-found', title: '订单不存在' })
    await open()

    expect(text(page, '#load-error')).toBe('订单不存在')
    expect(toastTitles()).toEqual(['订单不存在'])
    expect(text(page, '#back')).toBe('返回')
    expect(page.querySelector('#pay')).toBeUndefined()

    getAnswer = answering()
    page.querySelector('#retry').dispatchEvent('tap')
    await waitForData(page, (d) => d.order !== null)
    expect(text(page, '#status')).toBe('已支付')
  })

  test('a malformed orderNo calls no server', async () => {
    await open({ orderNo: '../x' })
    expect(text(page, '#load-error')).toBe('找不到该订单')
    expect(page.querySelector('#retry')).toBeUndefined()
    expect(fake.state.requests).toHaveLength(0)
  })

  test('投诉 is offered on a paid order and on one still due, and opens the complaint form for this order', async () => {
    await open()
    expect(text(page, '#complain')).toBe('投诉')
    page.querySelector('#complain').dispatchEvent('tap')
    await Promise.resolve()
    expect(fake.state.navigations).toEqual([{ type: 'navigateTo', url: '/pages/complaint-new/complaint-new?orderNo=' + NO }])

    page.instance.onUnload()
    getAnswer = answering(fixtures.SHORT)
    await open()
    expect(text(page, '#pay')).toBe('去支付')
    expect(text(page, '#complain')).toBe('投诉')
  })

  test('no 投诉 before the order is shown, nor instead of it', async () => {
    page = renderPage(pageId)
    const loading = page.instance.onLoad({ orderNo: NO }) // the answer comes later
    expect(text(page, '#loading')).toBe('正在加载订单…')
    expect(page.querySelector('#complain')).toBeUndefined()
    await loading
    expect(text(page, '#complain')).toBe('投诉')

    page.instance.onUnload()
    getAnswer = () => problem(404, { title: '订单不存在' })
    await open()
    expect(text(page, '#load-error')).toBe('订单不存在')
    expect(page.querySelector('#complain')).toBeUndefined()
  })

  test('pull-down reads the order again', async () => {
    getAnswer = answering(fixtures.SHORT)
    await open()
    getAnswer = answering(fixtures.SHORT_PAID)
    await page.instance.onPullDownRefresh()
    expect(text(page, '#status')).toBe('已支付')
    expect(page.querySelector('#pay')).toBeUndefined()
    expect(gets()).toHaveLength(2)
  })
})

describe('order page, corrections, 补扣 and refunds', () => {
  const absentAll = () => {
    for (const absent of ['#order-type', '#related-order', '#refunds', '#refund-0']) {
      expect(page.querySelector(absent)).toBeUndefined()
    }
  }

  test('an older server’s detail without orderType / relatedOrderNo / refunds reads as a normal order', async () => {
    const answer = fixtures.detail()
    expect(answer).not.toHaveProperty('orderType')
    expect(answer).not.toHaveProperty('refunds')
    await open()

    expect(text(page, '#status')).toBe('已支付')
    expect(page.instance.data.order).toMatchObject({ orderType: 'Normal', typeTag: '', relatedOrderNo: '', refunds: [] })
    absentAll()
  })

  test('a normal order with an empty refund list shows no tag, no 原订单 and no 退款记录', async () => {
    getAnswer = answering({ orderType: 'Normal', relatedOrderNo: null, refunds: [] })
    await open()
    expect(text(page, '#status')).toBe('已支付')
    absentAll()
  })

  test('a corrected order: 已修正 next to the status, the corrected items and total, and its refunds newest first', async () => {
    getAnswer = answering(fixtures.CORRECTED)
    await open()

    expect(text(page, '#status')).toBe('已支付') // the status itself is unchanged
    expect(text(page, '#order-type')).toBe('已修正')
    expect(page.querySelector('#related-order')).toBeUndefined()
    expect(text(page, '#item-name-0')).toBe('可口可乐 330ml')
    expect(page.querySelector('#item-1')).toBeUndefined()
    expect(text(page, '#total-amount')).toBe('¥7.00')
    // what was paid stays as it was paid
    expect(text(page, '#tickets-amount')).toBe('5000 张 = ¥10.00')
    expect(text(page, '#wechat-amount')).toBe('¥2.50')

    expect(text(page, '#refunds')).toMatch(/^退款记录/)
    // WeChat: the amount alone
    expect(text(page, '#refund-amount-0')).toBe('¥2.50')
    expect(text(page, '#refund-channel-0')).toBe('退回微信')
    expect(text(page, '#refund-status-0')).toBe('退款中')
    expect(text(page, '#refund-time-0')).toBe('2026-11-26 10:05') // Beijing time, like the page's other times
    // tickets: the amount with the tickets credited
    expect(text(page, '#refund-amount-1')).toBe('¥3.00（1500 张礼票）')
    expect(text(page, '#refund-channel-1')).toBe('退回礼票')
    expect(text(page, '#refund-status-1')).toBe('已退款')
    expect(text(page, '#refund-time-1')).toBe('2026-11-26 10:04')
    expect(page.querySelector('#refund-2')).toBeUndefined()
    expect(toastTitles()).toEqual([])
  })

  test('a refund WeChat refused reads 退款失败，客服处理中; pull-down shows it once staff redid it', async () => {
    const failed = { amount: 2.5, channel: 'PayScore', channelLabel: '微信', tickets: 0, status: 'Failed', statusLabel: '退款失败，客服处理中', createdAt: '2026-11-26T02:05:00Z' }
    getAnswer = answering(Object.assign({}, fixtures.CORRECTED, { refunds: [failed] }))
    await open()
    expect(text(page, '#refund-amount-0')).toBe('¥2.50')
    expect(text(page, '#refund-status-0')).toBe('退款失败，客服处理中')
    expect(page.querySelector('#refund-1')).toBeUndefined()

    const redone = Object.assign({}, failed, { status: 'Succeeded', statusLabel: '已退款', createdAt: '2026-11-27T01:00:00Z' })
    getAnswer = answering(Object.assign({}, fixtures.CORRECTED, { refunds: [redone, failed] }))
    await page.instance.onPullDownRefresh()
    expect(text(page, '#refund-status-0')).toBe('已退款')
    expect(text(page, '#refund-time-0')).toBe('2026-11-27 09:00')
    expect(text(page, '#refund-status-1')).toBe('退款失败，客服处理中')
  })

  test('a refund without the server’s labels still reads its channel and status', async () => {
    getAnswer = answering({
      orderType: 'Corrected',
      refunds: [{ amount: 1, channel: 'Tickets', tickets: 500, status: 'Pending', createdAt: '2026-11-26T02:05:00Z' }],
    })
    await open()
    expect(text(page, '#refund-amount-0')).toBe('¥1.00（500 张礼票）')
    expect(text(page, '#refund-channel-0')).toBe('退回礼票')
    expect(text(page, '#refund-status-0')).toBe('退款中')
  })

  test('a 补扣: its tag, and 原订单 opens the original order’s detail page', async () => {
    getAnswer = answering(fixtures.SUPPLEMENTARY)
    await open()

    expect(text(page, '#status')).toBe('已支付')
    expect(text(page, '#order-type')).toBe('补扣')
    expect(text(page, '#related-order')).toBe('原订单 OD20261125113001000001')
    expect(text(page, '#item-name-0')).toBe('乐事薯片 70g')
    expect(text(page, '#tickets-amount')).toBe('2750 张 = ¥5.50')
    expect(page.querySelector('#refunds')).toBeUndefined()

    const next = fake.nextNavigation()
    page.querySelector('#related-order').dispatchEvent('tap')
    const navigation = await next
    expect(navigation).toEqual({ type: 'navigateTo', url: '/pages/order/order?orderNo=OD20261125113001000001' })
    expect(queryOf(navigation.url)).toEqual({ orderNo: 'OD20261125113001000001' })
    expect(fake.state.navigations).toHaveLength(1)
  })

  test('原订单 only for a 补扣 with an original order; unknown order types get no tag', async () => {
    getAnswer = answering({ orderType: 'Corrected', relatedOrderNo: 'OD20261125113001000001', refunds: [] })
    await open()
    expect(text(page, '#order-type')).toBe('已修正')
    expect(page.querySelector('#related-order')).toBeUndefined()

    page.instance.onUnload()
    getAnswer = answering({ orderType: 'Supplementary', relatedOrderNo: null })
    await open()
    expect(text(page, '#order-type')).toBe('补扣')
    expect(page.querySelector('#related-order')).toBeUndefined()

    page.instance.onUnload()
    getAnswer = answering({ orderType: 'SomethingNew', refunds: [] })
    await open()
    expect(text(page, '#status')).toBe('已支付')
    expect(page.querySelector('#order-type')).toBeUndefined()
  })
})

describe('order page, 支付中', () => {
  const PAYING_NOTHING_TO_DO = Object.assign({}, fixtures.PAYSCORE_PAYING, { canPay: false })

  test('支付中 with nothing to do: followed silently until it changes, then the polls stop', async () => {
    let polls = 0
    getAnswer = () => {
      polls++
      if (polls === 3) return { fail: 'timeout' } // a lost answer is asked again, silently
      return json(200, fixtures.detail(polls < 5 ? PAYING_NOTHING_TO_DO : fixtures.PAYSCORE_PAID))
    }
    await open()
    expect(text(page, '#status')).toBe('支付中')
    expect(page.querySelector('#pay')).toBeUndefined()

    await waitForData(page, (d) => d.order.status === 'Paid')
    expect(text(page, '#status')).toBe('已支付')
    expect(page.instance.timer).toBeNull()
    expect(gets()).toHaveLength(5)
    expect(toastTitles()).toEqual([])
  })

  test('支付中 with 去支付 (WeChat still deducting, re-pay open) is not polled', async () => {
    getAnswer = answering(fixtures.PAYSCORE_PAYING)
    await open()
    expect(text(page, '#status')).toBe('支付中')
    expect(text(page, '#pay')).toBe('去支付')
    expect(page.instance.timer).toBeNull()
  })

  test('the polls back off from pollIntervalMs to pollMaxIntervalMs and stop on unload', async () => {
    jest.useFakeTimers()
    Object.assign(config, { pollIntervalMs: 1000, pollMaxIntervalMs: 5000, pollBackoff: 1.5 })
    getAnswer = answering(PAYING_NOTHING_TO_DO)
    await open()
    expect(gets()).toHaveLength(1)

    for (const gap of [1000, 1500, 2250, 3375, 5000, 5000]) {
      const before = gets().length
      await jest.advanceTimersByTimeAsync(gap - 1)
      expect(gets()).toHaveLength(before)
      await jest.advanceTimersByTimeAsync(1)
      expect(gets()).toHaveLength(before + 1)
    }

    page.instance.onUnload()
    await jest.advanceTimersByTimeAsync(60000)
    expect(gets()).toHaveLength(7)
    expect(page.instance.timer).toBeNull()
  })

  test('detaching the page stops the polls as well; an answer after unload schedules nothing', async () => {
    jest.useFakeTimers()
    Object.assign(config, { pollIntervalMs: 1000 })
    getAnswer = answering(PAYING_NOTHING_TO_DO)
    await open()
    page.detach()
    await jest.advanceTimersByTimeAsync(60000)
    expect(gets()).toHaveLength(1)

    page = renderPage(pageId)
    const loading = page.instance.onLoad({ orderNo: NO }) // answer not delivered yet
    page.instance.onUnload()
    await loading
    await jest.advanceTimersByTimeAsync(60000)
    expect(gets()).toHaveLength(2)
    expect(page.instance.data.order).toBeNull()
  })

  test('a poll answered 404 ends the polls', async () => {
    let polls = 0
    getAnswer = () => (++polls === 1 ? json(200, fixtures.detail(PAYING_NOTHING_TO_DO)) : problem(404, { title: '订单不存在' }))
    await open()
    const stopped = new Promise((resolve) => {
      const stop = page.instance.stopFollowing
      page.instance.stopFollowing = function () {
        stop.call(this)
        resolve()
      }
    })
    await stopped
    expect(gets()).toHaveLength(2)
    expect(page.instance.timer).toBeNull()
    expect(text(page, '#status')).toBe('支付中')
    expect(toastTitles()).toEqual([])
  })
})
