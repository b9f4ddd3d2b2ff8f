// 投诉 (docs/integrations/miniprogram-complaints.md): the customer's complaints about their own orders,
// with photos and the staff's replies. JSON calls go through services/api.js like every other call;
// photos go through wx.uploadFile (multipart), whose answers are judged by api.js's own rules
// (settle): the same ApiError, the same toast unless options.silent, the same one re-login on 401.
const api = require('./api')
const auth = require('./auth')
const config = require('../config')

const enc = encodeURIComponent

const PHOTOS_PATH = '/api/mp/complaints/photos'
const MAX_PHOTOS = 4
const MAX_TEXT = 500 // description and reply, after trimming

// The contract's table. Answers carry typeLabel/statusLabel, but a new complaint has no answer yet
// and the contract has no call that lists the types, so the form needs this one copy.
const TYPES = [
  { code: 'Undercharged', label: '少扣' },
  { code: 'Overcharged', label: '多扣' },
  { code: 'Product', label: '商品问题' },
  { code: 'Device', label: '设备问题' },
  { code: 'Other', label: '其他' },
]

// Open = staff can still act on it and the customer can still reply.
const OPEN_STATUSES = { Pending: true, Processing: true }

function isOpen(status) {
  return OPEN_STATUSES[status] === true
}

// → {items: [{complaintNo, orderNo, type, typeLabel, status, statusLabel, description, createdAt,
//    lastReplyAt, replyCount}], total, page, pageSize}, newest first.
function list(page, pageSize) {
  return auth.ensureLogin().then(function () {
    return api.get('/api/mp/complaints', { page: page, pageSize: pageSize })
  })
}

// → the complaint (photos with freshly signed urls, replies). options.silent: no toast.
function get(complaintNo, options) {
  return auth.ensureLogin().then(function () {
    return api.get('/api/mp/complaints/' + enc(complaintNo), undefined, options)
  })
}

// form = {orderNo, type, description, photoIds} → the complaint. 409 complaint-open: the order has
// one already (the problem's title says so).
function create(form, options) {
  const body = { orderNo: form.orderNo, type: form.type, description: form.description, photoIds: form.photoIds || [] }
  return auth.ensureLogin().then(function () {
    return api.post('/api/mp/complaints', body, options)
  })
}

// → the complaint with the reply added. 409 complaint-closed once staff have closed it.
function reply(complaintNo, text, options) {
  return auth.ensureLogin().then(function () {
    return api.post('/api/mp/complaints/' + enc(complaintNo) + '/replies', { text: text }, options)
  })
}

// wx.uploadFile's success gives the body as a STRING and no response headers (only data and
// statusCode are documented), so the Content-Type api.js checks for problem+json is usually not
// there to check. Then an object with a string title is the problem: our server's errors are all
// RFC 9457 problems, and any other failing answer (a proxy's HTML page) is not JSON at all.
function looksLikeProblem(body) {
  return !!body && typeof body === 'object' && !Array.isArray(body) && typeof body.title === 'string'
}

// One wx.uploadFile, resolved in the shape api.settle() judges (it never rejects itself).
function sendPhoto(filePath, options) {
  const header = api.authorize({ Accept: 'application/json, application/problem+json' }, options)
  // No Content-Type here: WeChat sets multipart/form-data with its own boundary.
  return new Promise(function (resolve) {
    wx.uploadFile({
      url: config.baseUrl + PHOTOS_PATH,
      filePath: filePath,
      name: 'file', // the contract's field
      header: header,
      timeout: config.uploadTimeoutMs,
      success: function (res) {
        const headers = res.header || res.headers
        const body = api.parseBody(res.data)
        // With headers (some clients send them) api.settle checks the Content-Type itself.
        const problem = headers ? undefined : looksLikeProblem(body) ? body : null
        resolve({ ok: true, status: res.statusCode, headers: headers, body: body, problem: problem })
      },
      fail: function (err) {
        resolve({ ok: false, error: err })
      },
    })
  })
}

// 401 is handled like api.js: the token is cleared, wx.login runs once more and the same temporary
// file is sent again once (it stays readable while the mini-program runs).
function upload(filePath, options) {
  return sendPhoto(filePath, options).then(function (res) {
    return api.settle(options, res, function (retryOptions) {
      return upload(filePath, retryOptions)
    })
  })
}

// filePath = a temporary path from wx.chooseMedia / wx.chooseImage → {photoId, url}. A refusal
// (415 complaint-photo-type, 413 complaint-photo-too-large, 400 complaint-photo-missing) rejects
// with an ApiError whose message is the problem's title. options.silent: no toast (the form shows
// the message on the photo itself).
function uploadPhoto(filePath, options) {
  const opts = Object.assign({}, options)
  return auth
    .ensureLogin()
    .then(function () {
      return upload(filePath, opts)
    })
    .then(function (body) {
      // A 2xx that is not the contract's answer (a proxy's page) would leave a photo without an id;
      // it counts as no usable answer (status 0), so the page offers to try again.
      if (!body || typeof body !== 'object' || !body.photoId) return api.fail(opts, api.MSG_SERVER, 0, null)
      return body
    })
}

// The photo's url is relative to the API base URL and signed for a while (an <image> cannot send
// the bearer header), so a page builds the src from the latest answer every time it shows one.
function photoSrc(url) {
  if (typeof url !== 'string' || !url) return ''
  return /^https?:\/\//i.test(url) ? url : config.baseUrl + url
}

module.exports = {
  TYPES: TYPES,
  MAX_PHOTOS: MAX_PHOTOS,
  MAX_TEXT: MAX_TEXT,
  isOpen: isOpen,
  list: list,
  get: get,
  create: create,
  reply: reply,
  uploadPhoto: uploadPhoto,
  photoSrc: photoSrc,
}
