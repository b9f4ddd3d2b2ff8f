// E2E: 投诉 with the REAL page code over real HTTP (docs/integrations/miniprogram-complaints.md).
//
// Runs against the server named by E2E_BASE_URL (test.sh points it at the README's server with its
// sandbox); the contract stub (tests/support/stub-server.js) has no complaints endpoints, so without
// E2E_BASE_URL this file is skipped. By hand:
//   E2E_BASE_URL=http://127.0.0.1:5080 npx jest tests/e2e/complaints
//
// A new customer per run (one open complaint per order, so every run needs an order of its own)
// logs in, staff grant it tickets the way they do in 用户管理, and it buys the cheapest product at
// FS001-D01 (no other E2E file uses that store): door opened, product taken, door closed, settled
// (tests/support/e2e-shop.js). On that order's page 投诉 leads to the form, where a real PNG is
// uploaded by wx.uploadFile as a multipart POST (tests/support/upload-bridge.js) and a text file
// named .png is refused by its bytes; the complaint is filed with the PNG, shown on its page (the
// photo loads from its signed url without the bearer token), listed first in 我的投诉, answered with
// a reply, and a second complaint on the same order is refused with 409 complaint-open.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { loadPage, renderPage, text, queryOf } = require('../support/pages') // sets global.wx stubs
const { createFakeWx } = require('../support/fake-wx')
const { createFakeMedia } = require('../support/fake-media')
const { waitForData } = require('../support/wait')
const bridge = require('../support/http-bridge')
const uploadBridge = require('../support/upload-bridge')
const { openIdFor } = require('../support/stub-server')
const { useE2eTarget } = require('../support/e2e-target')
const shop = require('../support/e2e-shop')
const complaints = require('../../src/services/complaints')

const RUN = Boolean(process.env.E2E_BASE_URL)
const describeIfEnabled = RUN ? describe : describe.skip

const DEVICE = 'FS001-D01'
const TICKETS = 5000 // ¥10.00: the cheapest product is paid in full, whatever the catalogue says today
const MS = 10000
// A 1×1 transparent PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')
const DESCRIPTION = '只拿了一件商品，扣款金额不对'
const REPLY = '补充：扣款时间是刚才'

const fake = createFakeWx()
const media = createFakeMedia()
Object.assign(global.wx, fake.api, media.api, { request: bridge.request, uploadFile: uploadBridge.uploadFile })
const deviceId = loadPage('pages/device/device')
const sessionId = loadPage('pages/session/session')
const orderId = loadPage('pages/order/order')
const newId = loadPage('pages/complaint-new/complaint-new')
const listId = loadPage('pages/complaints/complaints')
const detailId = loadPage('pages/complaint/complaint')

const toastTitles = () => fake.state.toasts.map((t) => t.title)

describeIfEnabled('complaints E2E (' + (process.env.E2E_BASE_URL ? 'E2E_BASE_URL' : 'stub server') + ')', () => {
  let target = null
  let baseUrl
  let tmp = null
  let doorMayBeOpen = false
  const pages = []
  const render = (id) => {
    const page = renderPage(id)
    pages.push(page)
    return page
  }

  beforeAll(async () => {
    target = await useE2eTarget()
    baseUrl = target.baseUrl
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cabinetops-complaint-'))
    // Without the endpoints an anonymous call is a 404, not the 401 of a protected route: say so
    // once instead of failing every step with 接口不存在.
    const probe = await bridge.getJson(baseUrl, '/api/mp/complaints')
    if (probe.status === 404) throw new Error(baseUrl + ' has no /api/mp/complaints (the contract stub has none): set E2E_BASE_URL to a server with the complaints endpoints')
  })

  afterAll(async () => {
    pages.forEach((p) => p.instance.onUnload && p.instance.onUnload())
    if (doorMayBeOpen) await shop.closeDoor(baseUrl, DEVICE).catch(() => {})
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
    if (target) await target.close()
  })

  beforeEach(() => {
    fake.reset()
    media.reset()
    // The unit fakes never replace the bridges, but a stray assignment must not turn E2E into a fake.
    global.wx.request = bridge.request
    global.wx.uploadFile = uploadBridge.uploadFile
  })

  // A new customer with tickets buys the cheapest product at DEVICE: → the settled order's number.
  async function buySomething() {
    const openid = openIdFor('e2e-complaint-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 8))
    await shop.logIn(fake, baseUrl, openid)
    expect((await complaints.list(1, 20)).total).toBe(0) // logs in; a new customer has none
    await shop.grantTickets(baseUrl, openid, TICKETS, 'E2E 投诉测试发放')

    const device = render(deviceId)
    await device.instance.onLoad({ deviceCode: DEVICE })
    const sessionNo = await shop.openWithTickets(fake, device, MS)
    doorMayBeOpen = true
    const sessionPage = render(sessionId)
    await sessionPage.instance.onLoad({ sessionNo })
    await waitForData(sessionPage, (s) => s.status === 'Opened', MS)
    const product = shop.cheapest((await shop.shelf(baseUrl, DEVICE)).shelf)
    await shop.take(baseUrl, DEVICE, product.sku_code, 1)
    expect((await shop.closeDoor(baseUrl, DEVICE)).status).toBe(200)
    const settled = await waitForData(sessionPage, (s) => s.status === 'Settled', MS)
    doorMayBeOpen = false
    expect(settled.orderNo).toMatch(/^[A-Za-z0-9_-]+$/)
    return settled.orderNo
  }

  function file(name, bytes) {
    const p = path.join(tmp, name)
    fs.writeFileSync(p, bytes)
    return p
  }

  test('order → 投诉 with a photo (a text file refused by its bytes) → its page with the photo → 我的投诉 → a reply → a second one is 409', async () => {
    const orderNo = await buySomething()

    // 1. The order's page offers 投诉, which opens the form for this order.
    const order = render(orderId)
    await order.instance.onLoad({ orderNo })
    const toForm = fake.nextNavigation()
    order.querySelector('#complain').dispatchEvent('tap')
    const formNav = await toForm
    expect(formNav).toEqual({ type: 'navigateTo', url: '/pages/complaint-new/complaint-new?orderNo=' + orderNo })

    // 2. Type, description, and two photos uploaded as soon as they are chosen: the PNG is taken, the
    // text named .png refused with the server's message.
    const form = render(newId)
    await form.instance.onLoad(queryOf(formNav.url))
    expect(text(form, '#order-no')).toBe('订单号：' + orderNo)
    form.querySelector('#type-Overcharged').dispatchEvent('tap')
    form.querySelector('#description').dispatchEvent('input', { detail: { value: DESCRIPTION } })
    media.state.chosen = [file('receipt.png', PNG), file('fake.png', Buffer.from('这不是图片', 'utf8'))]
    await form.instance.onAddPhoto()
    const [good, bad] = form.instance.data.photos
    expect(good).toMatchObject({ status: 'done', photoId: expect.stringMatching(/\S/) })
    expect(bad).toMatchObject({ status: 'failed', message: '只能上传 JPG 或 PNG 图片', canRetry: false })
    expect(text(form, '#photo-message-' + bad.key)).toBe('只能上传 JPG 或 PNG 图片')
    expect(form.instance.data.canSubmit).toBe(false)
    form.querySelector('#photo-remove-' + bad.key).dispatchEvent('tap')
    await waitForData(form, (d) => d.photos.length === 1 && d.canSubmit)

    // 3. 提交 (twice: filed once) → 提交成功 and the complaint's page in place of the form.
    const toComplaint = fake.nextNavigation(MS)
    form.querySelector('#submit').dispatchEvent('tap')
    form.querySelector('#submit').dispatchEvent('tap')
    const complaintNav = await toComplaint
    expect(complaintNav.type).toBe('redirectTo')
    const { complaintNo } = queryOf(complaintNav.url)
    expect(complaintNo).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(toastTitles()).toEqual(['提交成功'])

    // 4. Its page: 待处理, 多扣, the order, the description, the photo; no reply yet, the reply box open.
    const detail = render(detailId)
    await detail.instance.onLoad({ complaintNo })
    expect(text(detail, '#status')).toBe('待处理')
    expect(text(detail, '#type')).toBe('多扣')
    expect(text(detail, '#order-no')).toBe(orderNo + ' ›')
    expect(text(detail, '#description')).toBe(DESCRIPTION)
    expect(detail.querySelector('#no-replies')).toBeDefined()
    expect(detail.querySelector('#reply-box')).toBeDefined()
    const photos = detail.instance.data.complaint.photos
    expect(photos.map((p) => p.key)).toEqual([good.photoId])
    expect(photos[0].src.startsWith(baseUrl + '/api/mp/complaints/photos/')).toBe(true)

    // The photo loads as an <image> does, without the bearer token, byte for byte; its signature is checked.
    const loaded = await uploadBridge.getBytes(photos[0].src)
    expect(loaded.status).toBe(200)
    expect(loaded.bytes.equals(PNG)).toBe(true)
    const tampered = await uploadBridge.getBytes(photos[0].src.replace(/sig=[^&]*/, 'sig=0000'))
    expect(tampered.status).toBeGreaterThanOrEqual(400)

    // 5. 我的投诉 lists it first.
    const list = render(listId)
    await list.instance.onLoad({})
    expect(list.instance.data.complaints[0]).toMatchObject({ complaintNo, orderNo, typeLabel: '多扣', statusLabel: '待处理', replyCount: 0 })
    expect(text(list, '#order-' + complaintNo)).toBe('订单号：' + orderNo)

    // 6. A reply: the answer shows it as the customer's.
    detail.querySelector('#reply-input').dispatchEvent('input', { detail: { value: REPLY } })
    await waitForData(detail, (d) => d.canSend)
    detail.querySelector('#send-reply').dispatchEvent('tap')
    await waitForData(detail, (d) => d.complaint.replies.length === 1 && !d.sending, MS)
    expect(text(detail, '#reply-from-0')).toBe('我')
    expect(text(detail, '#reply-text-0')).toBe(REPLY)
    expect(detail.querySelector('#reply-0').dom.className).toContain('reply-Customer')
    expect(detail.instance.data.replyText).toBe('')

    // 7. One open complaint per order: the form says so with the server's words.
    const again = render(newId)
    await again.instance.onLoad({ orderNo })
    again.querySelector('#type-Other').dispatchEvent('tap')
    again.querySelector('#description').dispatchEvent('input', { detail: { value: '再投诉一次' } })
    await waitForData(again, (d) => d.canSubmit)
    await again.instance.onSubmit()
    expect(text(again, '#submit-error')).toBe('该订单已有处理中的投诉')
    expect(again.querySelector('#open-complaints')).toBeDefined()
    expect(toastTitles()).toEqual(['提交成功', '已发送', '该订单已有处理中的投诉'])
  })

  test('an unknown order and an unknown complaint read as not found (404), in Chinese', async () => {
    await shop.logIn(fake, baseUrl, openIdFor('e2e-complaint-404-' + Date.now().toString(36)))
    const noOrder = await complaints.create({ orderNo: 'OD20000101000000000000', type: 'Other', description: '没有这个订单' }, { silent: true }).catch((e) => e)
    expect(noOrder).toMatchObject({ status: 404, message: expect.stringMatching(/[\u4e00-\u9fff]/) })
    const noComplaint = await complaints.get('TS20000101000000000000', { silent: true }).catch((e) => e)
    expect(noComplaint).toMatchObject({ status: 404, message: expect.stringMatching(/[\u4e00-\u9fff]/) })
  })
})
