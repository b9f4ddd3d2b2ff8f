// services/complaints.js: the four JSON calls of the complaints contract as they go out through
// api.js, and the photo upload through wx.uploadFile — its body arrives as a string without
// headers, and its refusals must reject, toast and re-login exactly like api.js's.
const { createFakeWx, json, problem } = require('../support/fake-wx')
const { createFakeMedia, problemBody } = require('../support/fake-media')

const fake = createFakeWx()
const media = createFakeMedia()
global.wx = Object.assign(fake.api, media.api)
const config = require('../../src/config')
const session = require('../../src/services/session')
const api = require('../../src/services/api')
const complaints = require('../../src/services/complaints')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00.0000000Z'
const PHOTOS = BASE + '/api/mp/complaints/photos'
const PHOTO = { photoId: 'p_1', url: '/api/mp/complaints/photos/p_1?exp=1&sig=s' }
const sent = () => fake.state.requests.map((r) => [r.method, r.url.slice(BASE.length), r.data, r.header.Authorization])
const toastTitles = () => fake.state.toasts.map((t) => t.title)

beforeEach(() => {
  config.baseUrl = BASE
  fake.reset(() => json(200, { ok: true }))
  media.reset()
  session.save('tok', LATER)
})

describe('complaints service', () => {
  test('list, get, create and reply: methods, paths (encoded number), bodies, bearer token', async () => {
    await complaints.list(2, 20)
    await complaints.get('TS1/x')
    await complaints.create({ orderNo: 'OD1', type: 'Overcharged', description: '多扣了', photoIds: ['p_1'] })
    await complaints.create({ orderNo: 'OD1', type: 'Other', description: '其他' })
    await complaints.reply('TS1', '补充一下')
    expect(sent()).toEqual([
      ['GET', '/api/mp/complaints', { page: 2, pageSize: 20 }, 'Bearer tok'],
      ['GET', '/api/mp/complaints/TS1%2Fx', undefined, 'Bearer tok'],
      ['POST', '/api/mp/complaints', { orderNo: 'OD1', type: 'Overcharged', description: '多扣了', photoIds: ['p_1'] }, 'Bearer tok'],
      ['POST', '/api/mp/complaints', { orderNo: 'OD1', type: 'Other', description: '其他', photoIds: [] }, 'Bearer tok'],
      ['POST', '/api/mp/complaints/TS1/replies', { text: '补充一下' }, 'Bearer tok'],
    ])
  })

  test('a 409 complaint-open rejects with the server’s title, already a toast', async () => {
    fake.state.route = () => problem(409, { type: 'https://cabinetops.dev/problems/complaint-open', title: '该订单已有处理中的投诉' })
    const err = await complaints.create({ orderNo: 'OD1', type: 'Other', description: 'x' }).catch((e) => e)
    expect(err).toMatchObject({ name: 'ApiError', status: 409, message: '该订单已有处理中的投诉' })
    expect(toastTitles()).toEqual(['该订单已有处理中的投诉'])
  })

  test('uploadPhoto posts the file as field "file" with the bearer token and parses the string body', async () => {
    media.state.upload = () => ({ statusCode: 201, data: JSON.stringify(PHOTO) })

    await expect(complaints.uploadPhoto('wxfile://tmp/a.jpg')).resolves.toEqual(PHOTO)

    expect(media.state.uploads).toEqual([
      { url: PHOTOS, filePath: 'wxfile://tmp/a.jpg', name: 'file', header: expect.objectContaining({ Authorization: 'Bearer tok' }), formData: undefined },
    ])
    // WeChat writes the multipart Content-Type with its boundary; ours would break it.
    expect(Object.keys(media.state.uploads[0].header).map((k) => k.toLowerCase())).not.toContain('content-type')
    expect(fake.state.requests).toHaveLength(0) // not through wx.request
    expect(toastTitles()).toEqual([])
  })

  test('a refused photo (problem+json in a string, no headers) rejects like api.js: status, problem, title, toast', async () => {
    const refusal = { type: 'https://cabinetops.dev/problems/complaint-photo-type', title: '只能上传 JPG 或 PNG 图片' }
    media.state.upload = () => ({ statusCode: 415, data: problemBody(415, refusal) })

    const err = await complaints.uploadPhoto('wxfile://tmp/a.gif').catch((e) => e)

    expect(err).toBeInstanceOf(Error)
    expect(err).toMatchObject({ name: 'ApiError', status: 415, message: '只能上传 JPG 或 PNG 图片' })
    expect(err.problem).toEqual(Object.assign({ status: 415 }, refusal))
    expect(toastTitles()).toEqual(['只能上传 JPG 或 PNG 图片'])
  })

  test('silent: a refusal rejects without a toast; a validation problem names its first error', async () => {
    media.state.upload = () => ({ statusCode: 400, data: problemBody(400, { title: '请求参数有误', errors: { file: ['请选择图片'] } }) })
    await expect(complaints.uploadPhoto('wxfile://tmp/a.jpg', { silent: true })).rejects.toMatchObject({ status: 400, message: '请选择图片' })
    expect(toastTitles()).toEqual([])
  })

  test('an answer that is not a problem (a proxy page) gives the generic message; no answer the network one', async () => {
    media.state.upload = () => ({ statusCode: 502, data: '<html>Bad Gateway</html>' })
    await expect(complaints.uploadPhoto('wxfile://tmp/a.jpg')).rejects.toMatchObject({ status: 502, problem: null, message: api.MSG_SERVER })

    media.state.upload = () => ({ fail: 'timeout' })
    await expect(complaints.uploadPhoto('wxfile://tmp/a.jpg')).rejects.toMatchObject({ status: 0, message: api.MSG_NETWORK })
    expect(toastTitles()).toEqual([api.MSG_SERVER, api.MSG_NETWORK])
  })

  test('a 2xx without a photo id is not taken for an uploaded photo', async () => {
    media.state.upload = () => ({ statusCode: 200, data: '<html>ok</html>' })
    await expect(complaints.uploadPhoto('wxfile://tmp/a.jpg')).rejects.toMatchObject({ status: 0, message: api.MSG_SERVER })
  })

  test('when a client does pass headers, the Content-Type decides as in api.js', async () => {
    const saved = global.wx.uploadFile
    global.wx.uploadFile = (opts) =>
      Promise.resolve().then(() =>
        opts.success({ statusCode: 409, header: { 'content-TYPE': 'text/plain' }, data: JSON.stringify({ title: '不是问题详情' }) }),
      )
    try {
      await expect(complaints.uploadPhoto('wxfile://tmp/a.jpg')).rejects.toMatchObject({ status: 409, problem: null, message: api.MSG_SERVER })
    } finally {
      global.wx.uploadFile = saved
    }
  })

  test('on 401 the upload logs in again once and sends the same file again with the new token', async () => {
    session.save('stale', LATER)
    fake.state.loginCodes.push('fresh-code')
    fake.state.route = (req) => (req.url.endsWith('/api/mp/auth/login') ? json(200, { token: 'fresh', expiresAt: LATER, customer: {} }) : json(404, ''))
    media.state.upload = (req) =>
      req.header.Authorization === 'Bearer fresh' ? { statusCode: 201, data: JSON.stringify(PHOTO) } : { statusCode: 401, data: problemBody(401, { title: '请先登录' }) }

    await expect(complaints.uploadPhoto('wxfile://tmp/a.jpg')).resolves.toEqual(PHOTO)

    expect(media.state.uploads.map((u) => [u.filePath, u.header.Authorization])).toEqual([
      ['wxfile://tmp/a.jpg', 'Bearer stale'],
      ['wxfile://tmp/a.jpg', 'Bearer fresh'],
    ])
    expect(fake.state.requests.map((r) => r.data)).toEqual([{ code: 'fresh-code' }])
    expect(toastTitles()).toEqual([])
  })

  test('a second 401 after the re-login gives up with the title instead of looping', async () => {
    session.save('stale', LATER)
    fake.state.route = () => json(200, { token: 'also-rejected', expiresAt: LATER, customer: {} })
    media.state.upload = () => ({ statusCode: 401, data: problemBody(401, { title: '登录已过期' }) })

    await expect(complaints.uploadPhoto('wxfile://tmp/a.jpg')).rejects.toMatchObject({ status: 401, message: '登录已过期' })
    expect(media.state.uploads).toHaveLength(2)
    expect(fake.state.loginCalls).toBe(1)
    expect(session.getToken()).toBe('')
  })

  test('photoSrc puts the API base URL before the signed path', () => {
    expect(complaints.photoSrc(PHOTO.url)).toBe(BASE + PHOTO.url)
    expect(complaints.photoSrc('https://cdn.example/p.png')).toBe('https://cdn.example/p.png')
    expect(complaints.photoSrc(null)).toBe('')
  })
})
