// 投诉详情 (pages/complaint): the complaint as the server answers it — status, type, the order (tap →
// the order), the description, the photos from the answer's signed urls (tap → full screen), the
// deadline, the staff's closing words, the replies (staff and customer apart) — and the reply box
// while it is open, whose answer replaces the view.
const { loadPage, renderPage, text } = require('../support/pages') // sets global.wx stubs
const { createFakeWx, json, problem } = require('../support/fake-wx')
const { createFakeMedia } = require('../support/fake-media')
const { waitForData } = require('../support/wait')
const fixtures = require('../support/complaints')
const config = require('../../src/config')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00Z'
const NO = 'TS20261207110000123456'
const PATH = '/api/mp/complaints/' + NO

let getAnswer
let replyAnswer
const route = (req) => {
  const path = req.url.slice(BASE.length)
  if (path === '/api/mp/auth/login') return json(200, { token: 'tok', expiresAt: LATER, customer: {} })
  if (req.header.Authorization !== 'Bearer tok') return problem(401, { title: '请先登录' })
  if (path === PATH && req.method === 'GET') return getAnswer(req)
  if (path === PATH + '/replies' && req.method === 'POST') return replyAnswer(req)
  return problem(404, { title: '投诉不存在' })
}
const answering = (overrides) => () => json(200, fixtures.detail(overrides))
// The server's answer to a reply: the complaint with it added at the end.
const withReply = (req) =>
  json(200, fixtures.detail({ replies: fixtures.detail().replies.concat([{ from: 'Customer', text: req.data.text, at: '2026-12-07T05:00:00Z' }]) }))

const fake = createFakeWx(route)
const media = createFakeMedia()
Object.assign(global.wx, fake.api, media.api)
const pageId = loadPage('pages/complaint/complaint')

let page = null
beforeEach(() => {
  config.baseUrl = BASE
  fake.reset(route)
  media.reset()
  getAnswer = answering()
  replyAnswer = withReply
  page = null
})

afterEach(() => {
  if (page) page.instance.onUnload()
})

const gets = () => fake.state.requests.filter((r) => r.url === BASE + PATH)
const replies = () => fake.state.requests.filter((r) => r.url === BASE + PATH + '/replies')
const toastTitles = () => fake.state.toasts.map((t) => t.title)
const type = (value) => page.querySelector('#reply-input').dispatchEvent('input', { detail: { value } })

async function open(query = { complaintNo: NO }) {
  page = renderPage(pageId)
  await page.instance.onLoad(query)
  return page
}

describe('complaint page', () => {
  test('an open complaint: status, deadline, type, order, description, photos from the signed urls, the staff reply, the reply box', async () => {
    await open()

    expect(gets().map((r) => [r.method, r.header.Authorization])).toEqual([['GET', 'Bearer tok']])
    expect(text(page, '#status')).toBe('处理中')
    expect(text(page, '#deadline')).toBe('预计 2026-12-08 11:00 前处理')
    expect(text(page, '#type')).toBe('多扣')
    expect(text(page, '#order-no')).toBe('OD20261125113001123456 ›')
    expect(text(page, '#complaint-no')).toBe(NO)
    expect(text(page, '#created-time')).toBe('2026-12-07 11:00')
    expect(text(page, '#description')).toBe('只拿了一瓶可乐，扣了两瓶的钱')

    // simulate's <image> stub keeps no src; the bound value is what the page gives it.
    expect(page.querySelector('#photo-0')).toBeDefined()
    expect(page.querySelector('#photo-1')).toBeDefined()
    expect(page.querySelector('#photo-2')).toBeUndefined()
    expect(page.instance.data.complaint.photos.map((p) => p.src)).toEqual([
      BASE + '/api/mp/complaints/photos/p_a1?exp=1795572000&sig=abc',
      BASE + '/api/mp/complaints/photos/p_b2?exp=1795572000&sig=abc',
    ])

    expect(page.querySelector('#reply-0').dom.className).toContain('reply-Staff')
    expect(text(page, '#reply-from-0')).toBe('客服')
    expect(text(page, '#reply-text-0')).toBe('您好，已核实，正在为您处理')
    expect(text(page, '#reply-0')).toContain('2026-12-07 12:00')
    expect(page.querySelector('#resolution-card')).toBeUndefined()
    expect(page.querySelector('#reply-box')).toBeDefined()
    expect(text(page, '#send-reply')).toBe('发送')
    expect(text(page, '#reply-counter')).toBe('0/500')
    expect(toastTitles()).toEqual([])
  })

  test('待处理 without replies or photos says nobody answered yet', async () => {
    getAnswer = answering({ status: 'Pending', photos: [], replies: [] })
    await open()
    expect(text(page, '#status')).toBe('待处理')
    expect(page.querySelector('#photos')).toBeUndefined()
    expect(text(page, '#no-replies')).toBe('暂无回复，客服处理后会在这里回复您')
    expect(page.querySelector('#reply-box')).toBeDefined()
  })

  test('a photo opens full screen among the others; the order number opens the order', async () => {
    await open()
    page.querySelector('#photo-1').dispatchEvent('tap')
    await Promise.resolve()
    const srcs = page.instance.data.complaint.photos.map((p) => p.src)
    expect(media.state.previews).toEqual([{ current: srcs[1], urls: srcs }])

    page.querySelector('#order').dispatchEvent('tap')
    await Promise.resolve()
    expect(fake.state.navigations).toEqual([{ type: 'navigateTo', url: '/pages/order/order?orderNo=OD20261125113001123456' }])
  })

  test('a reply is posted once however often 发送 is tapped, and the answer replaces the view', async () => {
    await open()
    type('  还有一瓶水也多扣了  ')
    await waitForData(page, (d) => d.canSend)
    expect(text(page, '#reply-counter')).toBe('13/500')

    let release
    const asked = new Promise((resolve) => {
      replyAnswer = (req) =>
        new Promise((answer) => {
          release = () => answer(withReply(req))
          resolve()
        })
    })
    page.querySelector('#send-reply').dispatchEvent('tap')
    page.querySelector('#send-reply').dispatchEvent('tap')
    await asked
    await page.instance.onSendReply()
    release()
    await waitForData(page, (d) => d.complaint.replies.length === 2 && !d.sending)

    expect(replies().map((r) => [r.method, r.data, r.header.Authorization])).toEqual([['POST', { text: '还有一瓶水也多扣了' }, 'Bearer tok']])
    expect(page.querySelector('#reply-1').dom.className).toContain('reply-Customer')
    expect(text(page, '#reply-from-1')).toBe('我')
    expect(text(page, '#reply-text-1')).toBe('还有一瓶水也多扣了')
    expect(page.instance.data).toMatchObject({ replyText: '', canSend: false })
    expect(text(page, '#reply-counter')).toBe('0/500')
    expect(toastTitles()).toEqual(['已发送'])
  })

  test('an empty or too long reply is not sent', async () => {
    await open()
    type('   ')
    await waitForData(page, (d) => d.replyText === '   ')
    expect(page.instance.data.canSend).toBe(false)
    await page.instance.onSendReply()

    type('长'.repeat(501))
    await waitForData(page, (d) => d.replyLength === 501)
    expect(text(page, '#reply-hint')).toBe('回复不能超过 500 字')
    expect(page.instance.data.canSend).toBe(false)
    await page.instance.onSendReply()
    expect(replies()).toHaveLength(0)
  })

  test('a failed reply keeps the text for another try', async () => {
    await open()
    replyAnswer = () => ({ fail: 'timeout' })
    type('补充说明')
    await waitForData(page, (d) => d.canSend)
    await page.instance.onSendReply()
    expect(toastTitles()).toEqual(['网络异常，请稍后重试'])
    expect(page.instance.data).toMatchObject({ replyText: '补充说明', canSend: true, sending: false })
    expect(page.instance.data.complaint.replies).toHaveLength(1)
  })

  test('409 complaint-closed: the complaint is read again and shown closed, without the box', async () => {
    await open()
    replyAnswer = () => problem(409, { type: 'https://cabinetops.dev/problems/complaint-closed', title: '投诉已处理完毕' })
    getAnswer = answering(fixtures.REJECTED)
    type('还在吗')
    await waitForData(page, (d) => d.canSend)
    await page.instance.onSendReply()

    expect(toastTitles()).toEqual(['投诉已处理完毕'])
    expect(gets()).toHaveLength(2)
    expect(text(page, '#status')).toBe('已驳回')
    expect(page.querySelector('#reply-box')).toBeUndefined()
  })

  test('rejected: the reason under 驳回原因 with its time, no deadline, no reply box', async () => {
    getAnswer = answering(fixtures.REJECTED)
    await open()
    expect(text(page, '#status')).toBe('已驳回')
    expect(text(page, '#resolution-title')).toBe('驳回原因')
    expect(text(page, '#resolution')).toBe('经核实扣款金额无误')
    expect(text(page, '#resolved-time')).toBe('处理时间：2026-12-07 13:00')
    expect(page.querySelector('#deadline')).toBeUndefined()
    expect(page.querySelector('#reply-box')).toBeUndefined()
    expect(page.querySelector('#send-reply')).toBeUndefined()
    // Even called directly nothing is sent for a closed complaint.
    page.instance.setReply('还有问题')
    await page.instance.onSendReply()
    expect(replies()).toHaveLength(0)
  })

  test('resolved: the staff’s words under 处理结果, no reply box', async () => {
    getAnswer = answering({ status: 'Resolved', resolvedAt: '2026-12-07T06:00:00Z', resolution: '已为您退款 ¥3.50' })
    await open()
    expect(text(page, '#status')).toBe('已解决')
    expect(text(page, '#resolution-title')).toBe('处理结果')
    expect(text(page, '#resolution')).toBe('已为您退款 ¥3.50')
    expect(page.querySelector('#reply-box')).toBeUndefined()
  })

  test('pull-down reads it again and shows the new answer’s photo urls', async () => {
    await open()
    getAnswer = answering({ status: 'Resolved', resolution: '已退款', photos: [fixtures.photo('p_a1')].map((p) => Object.assign(p, { url: p.url.replace('sig=abc', 'sig=new') })) })
    await page.instance.onPullDownRefresh()
    expect(text(page, '#status')).toBe('已解决')
    expect(page.instance.data.complaint.photos.map((p) => p.src)).toEqual([BASE + '/api/mp/complaints/photos/p_a1?exp=1795572000&sig=new'])
    expect(page.querySelector('#reply-box')).toBeUndefined()
    expect(gets()).toHaveLength(2)
  })

  test('a photo that does not load (signature expired) reads the complaint again for fresh urls, once per visit', async () => {
    await open()
    getAnswer = answering({ photos: [fixtures.photo('p_a1')].map((p) => Object.assign(p, { url: p.url.replace('sig=abc', 'sig=fresh') })) })
    page.querySelector('#photo-0').dispatchEvent('error', { detail: { errMsg: 'GET 403' } })
    await waitForData(page, (d) => d.complaint.photos.length === 1)
    expect(page.instance.data.complaint.photos[0].src).toBe(BASE + '/api/mp/complaints/photos/p_a1?exp=1795572000&sig=fresh')

    await page.instance.onImageError() // a photo that is really gone must not loop
    expect(gets()).toHaveLength(2)

    getAnswer = () => ({ fail: 'timeout' }) // after pull-down it may ask again, silently
    await page.instance.onPullDownRefresh()
    fake.state.toasts.length = 0
    await page.instance.onImageError()
    expect(gets()).toHaveLength(4)
    expect(toastTitles()).toEqual([])
    expect(text(page, '#status')).toBe('处理中')
  })

  test('an unknown complaint shows the title with 重试; a malformed number calls no server', async () => {
    getAnswer = () => problem(404, { type: 'https://cabinetops.dev/problems/not-found', title: '投诉不存在' })
    await open()
    expect(text(page, '#load-error')).toBe('投诉不存在')
    getAnswer = answering()
    page.querySelector('#retry').dispatchEvent('tap')
    await waitForData(page, (d) => d.complaint !== null)
    expect(text(page, '#status')).toBe('处理中')

    page.instance.onUnload()
    fake.reset(route)
    await open({ complaintNo: 'a/b' })
    expect(text(page, '#load-error')).toBe('找不到该投诉')
    expect(page.querySelector('#retry')).toBeUndefined()
    expect(fake.state.requests).toHaveLength(0)
  })
})
