// 我的订单: the paged list (20 at a time, more at the bottom, the first page again on pull-down), its
// rows, the empty state, and the way to an order's page and back.
const { loadPage, renderPage, text } = require('../support/pages') // sets global.wx stubs
const { createFakeWx, json, problem } = require('../support/fake-wx')
const { waitForData } = require('../support/wait')
const fixtures = require('../support/orders')
const config = require('../../src/config')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00Z'

// n orders, newest first: OD0001 is the newest. Every third one is unpaid (short of tickets).
function makeOrders(n) {
  return Array.from({ length: n }, (_, i) => {
    const no = 'OD' + String(i + 1).padStart(4, '0')
    const d = fixtures.detail(Object.assign({ orderNo: no }, i % 3 === 0 ? fixtures.SHORT : {}))
    return fixtures.summary(d)
  })
}

// In-test server: the list answers pages of `all`; listAnswer(req) can replace it; a detail answers
// `details[orderNo]`.
let all
let details
let listAnswer
const page = (req) => {
  const p = req.data.page
  const size = req.data.pageSize
  return json(200, { items: all.slice((p - 1) * size, p * size), total: all.length, page: p, pageSize: size })
}
const route = (req) => {
  const path = req.url.slice(BASE.length)
  if (path === '/api/mp/auth/login') return json(200, { token: 'tok', expiresAt: LATER, customer: {} })
  if (req.header.Authorization !== 'Bearer tok') return problem(401, { title: '请先登录' })
  if (path === '/api/mp/orders' && req.method === 'GET') return listAnswer(req)
  const m = /^\/api\/mp\/orders\/([^/]+)$/.exec(path)
  if (m && details[m[1]]) return json(200, details[m[1]])
  return problem(404, { title: '订单不存在' })
}

const fake = createFakeWx(route)
Object.assign(global.wx, fake.api)
const pageId = loadPage('pages/orders/orders')

beforeEach(() => {
  config.baseUrl = BASE
  fake.reset(route)
  all = makeOrders(3)
  details = {}
  listAnswer = page
})

const lists = () => fake.state.requests.filter((r) => r.url === BASE + '/api/mp/orders')
const toastTitles = () => fake.state.toasts.map((t) => t.title)
const rowNos = (p) => p.instance.data.orders.map((o) => o.orderNo)

async function open() {
  const p = renderPage(pageId)
  await p.instance.onLoad({})
  return p
}

describe('orders page', () => {
  test('the first page: store, Beijing time, items summary, total and status; 去支付 only where it can be paid', async () => {
    const p = await open()

    expect(lists().map((r) => [r.method, r.data, r.header.Authorization])).toEqual([['GET', { page: 1, pageSize: 20 }, 'Bearer tok']])
    expect(rowNos(p)).toEqual(['OD0001', 'OD0002', 'OD0003'])
    const unpaid = text(p, '#order-OD0001')
    expect(unpaid).toContain('深圳欢乐谷儿童乐园')
    expect(unpaid).toContain('2026-11-25 11:30') // 03:30:01Z
    expect(unpaid).toContain('可口可乐 330ml 等 3 件')
    expect(unpaid).toContain('合计 ¥12.50')
    expect(unpaid).toContain('待支付')
    expect(text(p, '#pay-OD0001')).toBe('去支付')
    expect(text(p, '#order-OD0002')).toContain('已支付')
    expect(p.querySelector('#pay-OD0002')).toBeUndefined()
    expect(text(p, '#footer')).toBe('没有更多订单了')
    expect(p.querySelector('#empty')).toBeUndefined()
    expect(toastTitles()).toEqual([])
  })

  test('one piece shows its name alone; a row without a first item name shows the count', async () => {
    const one = fixtures.summary(fixtures.detail({ orderNo: 'OD1', items: [Object.assign({}, fixtures.COKE, { quantity: 1, amount: 3.5 })] }))
    const unnamed = Object.assign(fixtures.summary(fixtures.detail({ orderNo: 'OD2' })), { firstItemName: null })
    all = [one, unnamed]
    const p = await open()
    expect(p.instance.data.orders.map((o) => o.summary)).toEqual(['可口可乐 330ml', '共 3 件商品'])
  })

  test('no orders: 暂无订单', async () => {
    all = []
    const p = await open()
    expect(text(p, '#empty')).toBe('暂无订单扫码开门购物后，订单会显示在这里')
    expect(p.querySelector('#footer')).toBeUndefined()
    await p.instance.onReachBottom()
    expect(lists()).toHaveLength(1)
  })

  test('reaching the bottom loads the next page until all are shown, then asks no more', async () => {
    all = makeOrders(45)
    const p = await open()
    expect(p.instance.data.orders).toHaveLength(20)
    expect(text(p, '#footer')).toBe('上拉加载更多')

    await p.instance.onReachBottom()
    expect(p.instance.data.orders).toHaveLength(40)
    await p.instance.onReachBottom()
    expect(rowNos(p)).toEqual(all.map((o) => o.orderNo))
    expect(text(p, '#footer')).toBe('没有更多订单了')

    await p.instance.onReachBottom()
    expect(lists().map((r) => r.data.page)).toEqual([1, 2, 3])
  })

  test('reaching the bottom again while the next page is on its way asks once', async () => {
    all = makeOrders(25)
    const p = await open()
    let release
    const asked = new Promise((resolve) => {
      listAnswer = (req) =>
        new Promise((answer) => {
          release = () => answer(page(req))
          resolve()
        })
    })
    const first = p.instance.onReachBottom()
    expect(text(p, '#footer')).toBe('加载中…')
    await p.instance.onReachBottom()
    await asked
    release()
    await first
    expect(lists().map((r) => r.data.page)).toEqual([1, 2])
    expect(p.instance.data.orders).toHaveLength(25)
  })

  test('orders that arrived meanwhile shift the pages: a row already shown is not shown twice', async () => {
    all = makeOrders(30)
    const p = await open()
    all = makeOrders(2).map((o) => Object.assign({}, o, { orderNo: 'NEW' + o.orderNo })).concat(all)
    await p.instance.onReachBottom()
    const nos = rowNos(p)
    expect(nos).toHaveLength(30)
    expect(new Set(nos).size).toBe(30)
    expect(nos.slice(-1)).toEqual(['OD0030'])
  })

  test('a next page that fails says so at the bottom; reaching it again retries', async () => {
    all = makeOrders(25)
    const p = await open()
    listAnswer = () => ({ fail: 'timeout' })
    await p.instance.onReachBottom()
    expect(text(p, '#footer')).toBe('加载失败，上拉重试')
    expect(toastTitles()).toEqual(['网络异常，请稍后重试'])
    expect(p.instance.data.orders).toHaveLength(20)

    listAnswer = page
    await p.instance.onReachBottom()
    expect(p.instance.data.orders).toHaveLength(25)
    expect(text(p, '#footer')).toBe('没有更多订单了')
  })

  test('pull-down reloads the first page in place of what was shown', async () => {
    all = makeOrders(25)
    const p = await open()
    await p.instance.onReachBottom()
    expect(p.instance.data.orders).toHaveLength(25)

    all = makeOrders(1)
    await p.instance.onPullDownRefresh()
    expect(rowNos(p)).toEqual(['OD0001'])
    expect(lists().map((r) => r.data.page)).toEqual([1, 2, 1])
  })

  test('a first page that fails shows the reason with 重试', async () => {
    listAnswer = () => problem(400, { title: '请求参数有误', errors: { pageSize: ['每页 1–50 条'] } })
    const p = await open()
    expect(text(p, '#load-error')).toBe('每页 1–50 条')
    expect(toastTitles()).toEqual(['每页 1–50 条'])

    listAnswer = page
    p.querySelector('#retry').dispatchEvent('tap')
    await waitForData(p, (d) => d.orders.length === 3)
    expect(p.querySelector('#load-error')).toBeUndefined()
  })

  test('a row and its 去支付 open the order page once; back from it, only that row is read again', async () => {
    const p = await open()
    p.querySelector('#pay-OD0001').dispatchEvent('tap')
    await Promise.resolve()
    expect(fake.state.navigations).toEqual([{ type: 'navigateTo', url: '/pages/order/order?orderNo=OD0001' }])

    details.OD0001 = fixtures.detail(Object.assign({ orderNo: 'OD0001' }, fixtures.SHORT_PAID)) // paid there
    await p.instance.onShow()
    expect(text(p, '#order-OD0001')).toContain('已支付')
    expect(p.querySelector('#pay-OD0001')).toBeUndefined()
    expect(lists()).toHaveLength(1)

    p.querySelector('#order-OD0002').dispatchEvent('tap')
    await Promise.resolve()
    expect(fake.state.navigations[1]).toEqual({ type: 'navigateTo', url: '/pages/order/order?orderNo=OD0002' })
    await p.instance.onShow() // OD0002 has no detail here: a silent 404, the row stays
    await p.instance.onShow() // nothing opened since
    expect(text(p, '#order-OD0002')).toContain('已支付')
    expect(fake.state.requests.filter((r) => /\/api\/mp\/orders\/OD/.test(r.url))).toHaveLength(2)
    expect(toastTitles()).toEqual([])
  })
})
