// 我的投诉 (pages/complaints): the paged list (20 at a time, more at the bottom, the first page again on
// pull-down), each row with the server's labels, the order, the time and the replies, the empty state,
// and the way to a complaint and back.
const { loadPage, renderPage, text } = require('../support/pages') // sets global.wx stubs
const { createFakeWx, json, problem } = require('../support/fake-wx')
const { waitForData } = require('../support/wait')
const fixtures = require('../support/complaints')
const config = require('../../src/config')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00Z'

// n complaints, newest first: TS0001 is the newest. Every other one is still 待处理 without replies.
function makeComplaints(n) {
  return Array.from({ length: n }, (_, i) => {
    const no = 'TS' + String(i + 1).padStart(4, '0')
    const d = fixtures.detail(Object.assign({ complaintNo: no, orderNo: 'OD' + String(i + 1).padStart(4, '0') }, i % 2 ? { status: 'Pending', replies: [] } : {}))
    return fixtures.summary(d)
  })
}

let all
let details
let listAnswer
const pageOf = (req) => {
  const p = req.data.page
  const size = req.data.pageSize
  return json(200, { items: all.slice((p - 1) * size, p * size), total: all.length, page: p, pageSize: size })
}
const route = (req) => {
  const path = req.url.slice(BASE.length)
  if (path === '/api/mp/auth/login') return json(200, { token: 'tok', expiresAt: LATER, customer: {} })
  if (req.header.Authorization !== 'Bearer tok') return problem(401, { title: '请先登录' })
  if (path === '/api/mp/complaints' && req.method === 'GET') return listAnswer(req)
  const m = /^\/api\/mp\/complaints\/([^/]+)$/.exec(path)
  if (m && details[m[1]]) return json(200, details[m[1]])
  return problem(404, { title: '投诉不存在' })
}

const fake = createFakeWx(route)
Object.assign(global.wx, fake.api)
const pageId = loadPage('pages/complaints/complaints')

beforeEach(() => {
  config.baseUrl = BASE
  fake.reset(route)
  all = makeComplaints(3)
  details = {}
  listAnswer = pageOf
})

const lists = () => fake.state.requests.filter((r) => r.url === BASE + '/api/mp/complaints')
const toastTitles = () => fake.state.toasts.map((t) => t.title)
const rowNos = (p) => p.instance.data.complaints.map((c) => c.complaintNo)

async function open() {
  const p = renderPage(pageId)
  await p.instance.onLoad({})
  return p
}

describe('complaints page', () => {
  test('the first page: type and status labels, order number, Beijing time, the reply count', async () => {
    const p = await open()

    expect(lists().map((r) => [r.method, r.data, r.header.Authorization])).toEqual([['GET', { page: 1, pageSize: 20 }, 'Bearer tok']])
    expect(rowNos(p)).toEqual(['TS0001', 'TS0002', 'TS0003'])
    expect(text(p, '#type-TS0001')).toBe('多扣')
    expect(text(p, '#status-TS0001')).toBe('处理中')
    expect(p.querySelector('#status-TS0001').dom.className).toContain('status-Processing')
    expect(text(p, '#order-TS0001')).toBe('订单号：OD0001')
    expect(text(p, '#time-TS0001')).toBe('2026-12-07 11:00') // 03:00Z
    expect(text(p, '#replies-TS0001')).toBe('1 条回复')
    expect(text(p, '#complaint-TS0001')).toContain('只拿了一瓶可乐，扣了两瓶的钱')
    expect(text(p, '#status-TS0002')).toBe('待处理')
    expect(text(p, '#replies-TS0002')).toBe('暂无回复')
    expect(text(p, '#footer')).toBe('没有更多投诉了')
    expect(p.querySelector('#empty')).toBeUndefined()
    expect(toastTitles()).toEqual([])
  })

  test('labels come from the server, not from the codes', async () => {
    all = [Object.assign(makeComplaints(1)[0], { typeLabel: '商品损坏', statusLabel: '客服处理中' })]
    const p = await open()
    expect(text(p, '#type-TS0001')).toBe('商品损坏')
    expect(text(p, '#status-TS0001')).toBe('客服处理中')
  })

  test('no complaints: 暂无投诉, and the bottom asks nothing', async () => {
    all = []
    const p = await open()
    expect(text(p, '#empty')).toBe('暂无投诉订单有问题时，可在订单详情中点击投诉')
    expect(p.querySelector('#footer')).toBeUndefined()
    await p.instance.onReachBottom()
    expect(lists()).toHaveLength(1)
  })

  test('reaching the bottom loads the next page until all are shown, then asks no more', async () => {
    all = makeComplaints(45)
    const p = await open()
    expect(p.instance.data.complaints).toHaveLength(20)
    expect(text(p, '#footer')).toBe('上拉加载更多')

    await p.instance.onReachBottom()
    expect(p.instance.data.complaints).toHaveLength(40)
    await p.instance.onReachBottom()
    expect(rowNos(p)).toEqual(all.map((c) => c.complaintNo))
    expect(text(p, '#footer')).toBe('没有更多投诉了')

    await p.instance.onReachBottom()
    expect(lists().map((r) => r.data.page)).toEqual([1, 2, 3])
  })

  test('reaching the bottom again while the next page is on its way asks once', async () => {
    all = makeComplaints(25)
    const p = await open()
    let release
    const asked = new Promise((resolve) => {
      listAnswer = (req) =>
        new Promise((answer) => {
          release = () => answer(pageOf(req))
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
    expect(p.instance.data.complaints).toHaveLength(25)
  })

  test('complaints filed meanwhile shift the pages: a row already shown is not shown twice', async () => {
    all = makeComplaints(30)
    const p = await open()
    all = makeComplaints(2).map((c) => Object.assign({}, c, { complaintNo: 'NEW' + c.complaintNo })).concat(all)
    await p.instance.onReachBottom()
    const nos = rowNos(p)
    expect(nos).toHaveLength(30)
    expect(new Set(nos).size).toBe(30)
  })

  test('a next page that fails says so at the bottom; reaching it again retries', async () => {
    all = makeComplaints(25)
    const p = await open()
    listAnswer = () => ({ fail: 'timeout' })
    await p.instance.onReachBottom()
    expect(text(p, '#footer')).toBe('加载失败，上拉重试')
    expect(toastTitles()).toEqual(['网络异常，请稍后重试'])

    listAnswer = pageOf
    await p.instance.onReachBottom()
    expect(p.instance.data.complaints).toHaveLength(25)
    expect(text(p, '#footer')).toBe('没有更多投诉了')
  })

  test('pull-down reloads the first page in place of what was shown', async () => {
    all = makeComplaints(25)
    const p = await open()
    await p.instance.onReachBottom()
    all = makeComplaints(1)
    await p.instance.onPullDownRefresh()
    expect(rowNos(p)).toEqual(['TS0001'])
    expect(lists().map((r) => r.data.page)).toEqual([1, 2, 1])
  })

  test('a first page that fails shows the reason with 重试', async () => {
    listAnswer = () => problem(400, { title: '请求参数有误', errors: { pageSize: ['每页 1–50 条'] } })
    const p = await open()
    expect(text(p, '#load-error')).toBe('每页 1–50 条')

    listAnswer = pageOf
    p.querySelector('#retry').dispatchEvent('tap')
    await waitForData(p, (d) => d.complaints.length === 3)
    expect(p.querySelector('#load-error')).toBeUndefined()
  })

  test('a row opens its complaint; back from it, only that row is read again', async () => {
    const p = await open()
    p.querySelector('#complaint-TS0002').dispatchEvent('tap')
    await Promise.resolve()
    expect(fake.state.navigations).toEqual([{ type: 'navigateTo', url: '/pages/complaint/complaint?complaintNo=TS0002' }])

    // Staff took it and answered twice meanwhile.
    details.TS0002 = fixtures.detail({
      complaintNo: 'TS0002',
      orderNo: 'OD0002',
      status: 'Processing',
      replies: [
        { from: 'Staff', text: '已收到', at: '2026-12-07T04:00:00Z' },
        { from: 'Customer', text: '好的', at: '2026-12-07T04:10:00Z' },
      ],
    })
    await p.instance.onShow()
    expect(text(p, '#status-TS0002')).toBe('处理中')
    expect(text(p, '#replies-TS0002')).toBe('2 条回复')
    expect(lists()).toHaveLength(1)

    await p.instance.onShow() // nothing opened since
    expect(fake.state.requests.filter((r) => /\/api\/mp\/complaints\/TS/.test(r.url))).toHaveLength(1)
    expect(toastTitles()).toEqual([])
  })
})
