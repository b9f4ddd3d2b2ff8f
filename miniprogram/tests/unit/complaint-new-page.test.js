// 投诉 (pages/complaint-new): the form's rules (type, 1–500 characters, photos all uploaded), photos
// uploaded as soon as they are chosen with a state each (上传中 / refused with the server's message /
// 重试 after a lost answer / done), at most 4, filing once however often 提交 is tapped, then on to the
// complaint; a 409 complaint-open keeps the server's message on the page.
const { loadPage, renderPage, text } = require('../support/pages') // sets global.wx stubs
const { createFakeWx, json, problem } = require('../support/fake-wx')
const { createFakeMedia, problemBody } = require('../support/fake-media')
const { waitForData } = require('../support/wait')
const fixtures = require('../support/complaints')
const config = require('../../src/config')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00Z'
const ORDER_NO = 'OD20261125113001123456'
const COMPLAINT_NO = 'TS20261207110000123456'
const MSG_TYPE = '只能上传 JPG 或 PNG 图片'

let createAnswer
const route = (req) => {
  const path = req.url.slice(BASE.length)
  if (path === '/api/mp/auth/login') return json(200, { token: 'tok', expiresAt: LATER, customer: {} })
  if (req.header.Authorization !== 'Bearer tok') return problem(401, { title: '请先登录' })
  if (path === '/api/mp/complaints' && req.method === 'POST') return createAnswer(req)
  return problem(404, { title: '接口不存在' })
}
// Each upload gets the next id: p_1, p_2, …
let uploaded = 0
const uploadOk = () => {
  uploaded++
  return { statusCode: 201, data: { photoId: 'p_' + uploaded, url: '/api/mp/complaints/photos/p_' + uploaded + '?exp=1&sig=s' } }
}

const fake = createFakeWx(route)
const media = createFakeMedia()
Object.assign(global.wx, fake.api, media.api)
const pageId = loadPage('pages/complaint-new/complaint-new')

let page = null
beforeEach(() => {
  config.baseUrl = BASE
  fake.reset(route)
  media.reset()
  uploaded = 0
  media.state.upload = uploadOk
  createAnswer = (req) => json(201, fixtures.detail({ complaintNo: COMPLAINT_NO, orderNo: req.data.orderNo, type: req.data.type, status: 'Pending', replies: [] }))
  page = null
})

afterEach(() => {
  if (page) page.instance.onUnload()
})

const creates = () => fake.state.requests.filter((r) => r.url === BASE + '/api/mp/complaints')
const toastTitles = () => fake.state.toasts.map((t) => t.title)
const photoStates = () => page.instance.data.photos.map((p) => [p.key, p.status])
const tap = (selector) => page.querySelector(selector).dispatchEvent('tap')
const write = (value) => page.querySelector('#description').dispatchEvent('input', { detail: { value } })

async function open(query = { orderNo: ORDER_NO }) {
  page = renderPage(pageId)
  await page.instance.onLoad(query)
  return page
}

// A form that can be sent: a type and a description.
async function fillIn() {
  tap('#type-Overcharged')
  write('只拿了一瓶，扣了两瓶的钱')
  await waitForData(page, (d) => d.canSubmit)
}

// Chooses `paths` in the picker and waits until every new photo has an answer.
async function addPhotos(paths) {
  media.state.chosen = paths
  const before = page.instance.data.photos.length
  await page.instance.onAddPhoto()
  expect(page.instance.data.photos.length).toBeGreaterThan(before)
}

describe('complaint form', () => {
  test('the order, the five types in the contract’s order, nothing chosen, 提交 held back with the reason', async () => {
    await open()
    expect(text(page, '#order-no')).toBe('订单号：' + ORDER_NO)
    expect(page.instance.data.types.map((t) => text(page, '#type-' + t.code))).toEqual(['少扣', '多扣', '商品问题', '设备问题', '其他'])
    expect(page.instance.data.types.map((t) => t.code)).toEqual(['Undercharged', 'Overcharged', 'Product', 'Device', 'Other'])
    expect(page.querySelector('#type-Overcharged').dom.className).not.toContain('type-selected')
    expect(text(page, '#counter')).toBe('0/500')
    expect(text(page, '#hint')).toBe('请选择投诉类型')
    expect(page.instance.data.canSubmit).toBe(false)

    tap('#submit') // the stub button does not honour disabled; the page must
    await page.instance.onSubmit()
    expect(creates()).toHaveLength(0)
  })

  test('a type, then 1–500 characters after trimming: the counter follows the text, the hint the first thing missing', async () => {
    await open()
    tap('#type-Device')
    await waitForData(page, (d) => d.type === 'Device')
    expect(page.querySelector('#type-Device').dom.className).toContain('type-selected')
    expect(text(page, '#hint')).toBe('请填写问题描述')

    write('   ')
    await waitForData(page, (d) => d.description === '   ')
    expect(text(page, '#counter')).toBe('3/500')
    expect(text(page, '#hint')).toBe('请填写问题描述')
    expect(page.instance.data.canSubmit).toBe(false)

    write('多'.repeat(501))
    await waitForData(page, (d) => d.descriptionLength === 501)
    expect(text(page, '#counter')).toBe('501/500')
    expect(text(page, '#hint')).toBe('问题描述不能超过 500 字')
    expect(page.instance.data.canSubmit).toBe(false)

    write(' ' + '多'.repeat(500) + ' ')
    await waitForData(page, (d) => d.canSubmit)
    expect(page.querySelector('#hint')).toBeUndefined()

    tap('#type-Other')
    await waitForData(page, (d) => d.type === 'Other')
    expect(page.querySelector('#type-Device').dom.className).not.toContain('type-selected')
    expect(page.instance.data.canSubmit).toBe(true)
  })

  test('a chosen photo is uploaded at once: 上传中 holds 提交 back; done, its id is filed with the complaint', async () => {
    await open()
    await fillIn()
    const uploads = media.holdUploads()
    media.state.chosen = ['wxfile://tmp/a.jpg', 'wxfile://tmp/b.png']
    const adding = page.instance.onAddPhoto()
    await uploads.until(2)

    expect(media.state.chooseCalls).toEqual([{ api: 'chooseMedia', count: 4, mediaType: ['image'], sizeType: ['compressed'] }])
    expect(media.state.uploads.map((u) => [u.url, u.filePath, u.name, u.header.Authorization])).toEqual([
      [BASE + '/api/mp/complaints/photos', 'wxfile://tmp/a.jpg', 'file', 'Bearer tok'],
      [BASE + '/api/mp/complaints/photos', 'wxfile://tmp/b.png', 'file', 'Bearer tok'],
    ])
    expect(photoStates()).toEqual([['p1', 'uploading'], ['p2', 'uploading']])
    expect(text(page, '#photo-uploading-p1')).toBe('上传中…')
    expect(text(page, '#hint')).toBe('图片上传中，请稍候')
    await page.instance.onSubmit()
    expect(creates()).toHaveLength(0)

    uploads.release(1, { statusCode: 201, data: { photoId: 'p_b', url: '/x' } }) // answers may cross
    uploads.release(0, { statusCode: 201, data: { photoId: 'p_a', url: '/y' } })
    await adding
    expect(photoStates()).toEqual([['p1', 'done'], ['p2', 'done']])
    expect(page.querySelector('#photo-uploading-p1')).toBeUndefined()
    expect(page.querySelector('#photo-failed-p1')).toBeUndefined()
    expect(page.instance.data.canSubmit).toBe(true)

    await page.instance.onSubmit()
    expect(creates().map((r) => r.data)).toEqual([{ orderNo: ORDER_NO, type: 'Overcharged', description: '只拿了一瓶，扣了两瓶的钱', photoIds: ['p_a', 'p_b'] }])
  })

  test('a photo the server refuses shows the server’s message, without 重试 and without a toast; removed, the form can go', async () => {
    await open()
    await fillIn()
    media.state.upload = (req) =>
      req.filePath.endsWith('.gif')
        ? { statusCode: 415, data: problemBody(415, { type: 'https://cabinetops.dev/problems/complaint-photo-type', title: MSG_TYPE }) }
        : uploadOk()
    await addPhotos(['wxfile://tmp/ok.jpg', 'wxfile://tmp/anim.gif'])

    expect(photoStates()).toEqual([['p1', 'done'], ['p2', 'failed']])
    expect(text(page, '#photo-message-p2')).toBe(MSG_TYPE)
    expect(page.querySelector('#photo-retry-p2')).toBeUndefined()
    expect(text(page, '#hint')).toBe('请重试或删除上传失败的图片')
    expect(page.instance.data.canSubmit).toBe(false)
    expect(toastTitles()).toEqual([])

    tap('#photo-remove-p2')
    await waitForData(page, (d) => d.photos.length === 1)
    expect(page.querySelector('#photo-p2')).toBeUndefined()
    expect(page.instance.data.canSubmit).toBe(true)
    await page.instance.onSubmit()
    expect(creates().map((r) => r.data.photoIds)).toEqual([['p_1']])
  })

  test('a photo too large shows 图片不能超过 5 MB from the server', async () => {
    await open()
    media.state.upload = () => ({ statusCode: 413, data: problemBody(413, { type: 'https://cabinetops.dev/problems/complaint-photo-too-large', title: '图片不能超过 5 MB' }) })
    await addPhotos(['wxfile://tmp/huge.jpg'])
    expect(text(page, '#photo-message-p1')).toBe('图片不能超过 5 MB')
    expect(page.querySelector('#photo-retry-p1')).toBeUndefined()
  })

  test('an upload without an answer offers 重试, which uploads the same file again', async () => {
    await open()
    await fillIn()
    media.state.upload = () => ({ fail: 'timeout' })
    await addPhotos(['wxfile://tmp/a.jpg'])
    expect(text(page, '#photo-message-p1')).toBe('网络异常，请稍后重试')
    expect(text(page, '#photo-retry-p1')).toBe('重试')
    expect(page.instance.data.canSubmit).toBe(false)

    media.state.upload = uploadOk
    tap('#photo-retry-p1')
    await waitForData(page, (d) => d.photos[0].status === 'done')
    expect(media.state.uploads.map((u) => u.filePath)).toEqual(['wxfile://tmp/a.jpg', 'wxfile://tmp/a.jpg'])
    expect(page.instance.data.photos[0].photoId).toBe('p_1')
    expect(page.instance.data.canSubmit).toBe(true)
    expect(toastTitles()).toEqual([])
  })

  test('at most 4 photos: the picker is asked for the free places only, extra picks are dropped, 添加图片 goes at 4', async () => {
    await open()
    await addPhotos(['wxfile://1.jpg', 'wxfile://2.jpg', 'wxfile://3.jpg'])
    expect(text(page, '#add-photo')).toBe('+添加图片')

    await addPhotos(['wxfile://4.jpg', 'wxfile://5.jpg']) // a picker that ignores count
    expect(media.state.chooseCalls.map((c) => c.count)).toEqual([4, 1])
    expect(page.instance.data.photos.map((p) => p.path)).toEqual(['wxfile://1.jpg', 'wxfile://2.jpg', 'wxfile://3.jpg', 'wxfile://4.jpg'])
    expect(media.state.uploads).toHaveLength(4)
    expect(page.querySelector('#add-photo')).toBeUndefined()

    await page.instance.onAddPhoto() // no picker at 4
    expect(media.state.chooseCalls).toHaveLength(2)

    tap('#photo-remove-p1')
    await waitForData(page, (d) => d.photos.length === 3)
    expect(page.querySelector('#add-photo')).toBeDefined()
  })

  test('a photo removed while it uploads stays removed when its answer comes', async () => {
    await open()
    const uploads = media.holdUploads()
    media.state.chosen = ['wxfile://tmp/a.jpg']
    const adding = page.instance.onAddPhoto()
    await uploads.until(1)
    tap('#photo-remove-p1')
    await waitForData(page, (d) => d.photos.length === 0)
    uploads.release(0, uploadOk())
    await adding
    expect(page.instance.data.photos).toEqual([])
  })

  test('without wx.chooseMedia (older WeChat) the photos come from wx.chooseImage', async () => {
    await open()
    delete global.wx.chooseMedia
    await addPhotos(['wxfile://tmp/old.jpg'])
    expect(media.state.chooseCalls).toEqual([{ api: 'chooseImage', count: 4, mediaType: undefined, sizeType: ['compressed'] }])
    expect(photoStates()).toEqual([['p1', 'done']])
  })

  test('closing the picker is no error; a picker that fails otherwise says so', async () => {
    await open()
    await page.instance.onAddPhoto() // default: cancel
    expect(page.instance.data.photos).toEqual([])
    expect(toastTitles()).toEqual([])

    media.state.chosen = { errMsg: 'chooseMedia:fail auth deny' }
    await page.instance.onAddPhoto()
    expect(toastTitles()).toEqual(['无法选择图片，请检查相册和相机权限'])
    expect(media.state.uploads).toHaveLength(0)
  })

  test('a photo is shown full screen on tap', async () => {
    await open()
    await addPhotos(['wxfile://1.jpg', 'wxfile://2.jpg'])
    page.querySelector('#photo-p2 .photo-image').dispatchEvent('tap')
    await Promise.resolve()
    expect(media.state.previews).toEqual([{ current: 'wxfile://2.jpg', urls: ['wxfile://1.jpg', 'wxfile://2.jpg'] }])
  })

  test('提交 tapped twice files once; filed: 提交成功 and the complaint’s page in place of the form', async () => {
    await open()
    await fillIn()
    let release
    const asked = new Promise((resolve) => {
      createAnswer = (req) =>
        new Promise((answer) => {
          release = () => answer(json(201, fixtures.detail({ complaintNo: COMPLAINT_NO, orderNo: req.data.orderNo, status: 'Pending' })))
          resolve()
        })
    })
    const toComplaint = fake.nextNavigation()
    tap('#submit')
    tap('#submit')
    await asked
    expect(page.instance.data).toMatchObject({ submitting: true, canSubmit: false })
    release()
    const nav = await toComplaint
    expect(nav).toEqual({ type: 'redirectTo', url: '/pages/complaint/complaint?complaintNo=' + COMPLAINT_NO })
    expect(creates()).toHaveLength(1)
    expect(creates()[0].data).toEqual({ orderNo: ORDER_NO, type: 'Overcharged', description: '只拿了一瓶，扣了两瓶的钱', photoIds: [] })
    expect(toastTitles()).toEqual(['提交成功'])

    await page.instance.onSubmit() // still leaving: nothing filed again
    expect(creates()).toHaveLength(1)
  })

  test('409 complaint-open: the server’s message stays on the page with 查看我的投诉; the form can be sent again', async () => {
    createAnswer = () => problem(409, { type: 'https://cabinetops.dev/problems/complaint-open', title: '该订单已有处理中的投诉' })
    await open()
    await fillIn()
    await page.instance.onSubmit()

    expect(text(page, '#submit-error')).toBe('该订单已有处理中的投诉')
    expect(text(page, '#open-complaints')).toBe('查看我的投诉')
    expect(toastTitles()).toEqual(['该订单已有处理中的投诉'])
    expect(fake.state.navigations).toEqual([])
    expect(page.instance.data).toMatchObject({ submitting: false, canSubmit: true })

    tap('#open-complaints')
    await Promise.resolve()
    expect(fake.state.navigations).toEqual([{ type: 'navigateTo', url: '/pages/complaints/complaints' }])
  })

  test('another refusal (too late) is kept on the page without 查看我的投诉; a lost answer only toasts', async () => {
    createAnswer = () => problem(422, { type: 'https://cabinetops.dev/problems/complaint-too-late', title: '订单已超过投诉期限（30 天）' })
    await open()
    await fillIn()
    await page.instance.onSubmit()
    expect(text(page, '#submit-error')).toBe('订单已超过投诉期限（30 天）')
    expect(page.querySelector('#open-complaints')).toBeUndefined()

    createAnswer = () => ({ fail: 'timeout' })
    await page.instance.onSubmit()
    expect(page.querySelector('#submit-error')).toBeUndefined()
    expect(toastTitles()).toEqual(['订单已超过投诉期限（30 天）', '网络异常，请稍后重试'])
    expect(page.instance.data.canSubmit).toBe(true)
  })

  test('a malformed orderNo shows 找不到该订单 with 返回 and calls no server', async () => {
    await open({ orderNo: '../x' })
    expect(text(page, '#load-error')).toBe('找不到该订单')
    expect(page.querySelector('#submit')).toBeUndefined()
    tap('#back')
    await Promise.resolve()
    expect(fake.state.navigations).toEqual([{ type: 'navigateBack', delta: 1 }])
    expect(fake.state.requests).toHaveLength(0)
  })
})
