// wx.uploadFile over node:http with WeChat's semantics, for E2E tests against a real server (the
// counterpart of http-bridge.js's wx.request):
//   - a multipart/form-data POST: the file at filePath in the part named `name`, each formData field
//     in its own part, the caller's headers (the bearer token) kept;
//   - `success` for ANY HTTP status with {statusCode, data} and data always the body as a STRING,
//     never parsed, and no response headers — that is all WeChat documents for uploadFile;
//   - `fail` only when no answer came back (or the file cannot be read).
const fs = require('node:fs')
const path = require('node:path')
const http = require('node:http')
const https = require('node:https')
const crypto = require('node:crypto')

const TYPES = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' }

function multipart(name, filePath, formData) {
  const boundary = '----WeChatUpload' + crypto.randomBytes(12).toString('hex')
  const parts = []
  Object.keys(formData || {}).forEach((k) => {
    parts.push(Buffer.from('--' + boundary + '\r\nContent-Disposition: form-data; name="' + k + '"\r\n\r\n' + String(formData[k]) + '\r\n'))
  })
  const fileName = path.basename(filePath)
  const type = TYPES[path.extname(fileName).toLowerCase()] || 'application/octet-stream'
  parts.push(Buffer.from('--' + boundary + '\r\nContent-Disposition: form-data; name="' + name + '"; filename="' + fileName + '"\r\nContent-Type: ' + type + '\r\n\r\n'))
  parts.push(fs.readFileSync(filePath))
  parts.push(Buffer.from('\r\n--' + boundary + '--\r\n'))
  return { boundary, body: Buffer.concat(parts) }
}

function uploadFile(opts) {
  let done = false
  const finish = (fn, arg) => {
    if (done) return
    done = true
    if (fn) fn(arg)
    if (opts.complete) opts.complete(arg)
  }
  let form
  try {
    form = multipart(opts.name, opts.filePath, opts.formData)
  } catch (e) {
    Promise.resolve().then(() => finish(opts.fail, { errMsg: 'uploadFile:fail ' + e.message }))
    return { abort() {}, onProgressUpdate() {} }
  }
  const target = new URL(opts.url)
  const headers = Object.assign({}, opts.header, {
    'Content-Type': 'multipart/form-data; boundary=' + form.boundary,
    'Content-Length': form.body.length,
  })
  const req = (target.protocol === 'https:' ? https : http).request(
    target,
    // agent:false: no pooled keep-alive sockets left open when jest finishes.
    { method: 'POST', headers, timeout: opts.timeout || 60000, agent: false },
    (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => finish(opts.success, { statusCode: res.statusCode, data: Buffer.concat(chunks).toString('utf8'), errMsg: 'uploadFile:ok' }))
      res.on('error', (e) => finish(opts.fail, { errMsg: 'uploadFile:fail ' + e.message }))
    },
  )
  req.on('timeout', () => req.destroy(new Error('timeout')))
  req.on('error', (e) => finish(opts.fail, { errMsg: 'uploadFile:fail ' + e.message }))
  req.end(form.body)
  return { abort: () => req.destroy(new Error('abort')), onProgressUpdate() {} }
}

// GET of a URL as bytes, without any header (as an <image src> loads it): {status, headers, bytes}.
function getBytes(url) {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    const req = (target.protocol === 'https:' ? https : http).request(target, { method: 'GET', agent: false }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

module.exports = { uploadFile, getBytes }
