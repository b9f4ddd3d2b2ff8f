// In-memory stand-ins for the wx media and upload APIs the complaint pages use, beside fake-wx.js
// (which they leave as it is): install with Object.assign(global.wx, fake.api, media.api).
//
//   - wx.chooseMedia / wx.chooseImage: every call is recorded (which API, count, mediaType,
//     sizeType); state.chosen is what the customer picks: an array of temporary paths, or
//     {errMsg} for a failure (default: the customer closes the picker, "…:fail cancel").
//   - wx.uploadFile: every call is recorded; state.upload(req) answers it like fake-wx's route:
//     {statusCode, data} (data an object or a string) or {fail: 'errMsg'}, or a promise of either to
//     hold the answer back. As in WeChat, success gets data as a STRING and no response headers.
//   - wx.previewImage: recorded.
function createFakeMedia() {
  const state = {
    chooseCalls: [],
    chosen: null,
    uploads: [],
    upload: null,
    previews: [],
  }
  const later = (fn) => Promise.resolve().then(fn)

  const choose = (name, opts, toSuccess) => {
    state.chooseCalls.push({ api: name, count: opts.count, mediaType: opts.mediaType, sizeType: opts.sizeType })
    const chosen = state.chosen || { errMsg: name + ':fail cancel' }
    later(() => {
      if (Array.isArray(chosen)) opts.success && opts.success(Object.assign(toSuccess(chosen), { errMsg: name + ':ok' }))
      else opts.fail && opts.fail({ errMsg: chosen.errMsg })
    })
  }

  const api = {
    chooseMedia(opts) {
      choose('chooseMedia', opts, (paths) => ({
        type: 'image',
        tempFiles: paths.map((p) => ({ tempFilePath: p, size: 1024, fileType: 'image' })),
      }))
    },
    chooseImage(opts) {
      choose('chooseImage', opts, (paths) => ({ tempFilePaths: paths.slice(), tempFiles: paths.map((p) => ({ path: p, size: 1024 })) }))
    },
    uploadFile(opts) {
      const req = { url: opts.url, filePath: opts.filePath, name: opts.name, header: opts.header || {}, formData: opts.formData }
      state.uploads.push(req)
      const play = state.upload || (() => ({ statusCode: 404, data: '' }))
      later(() => play(req)).then((res) => {
        if (res.fail) opts.fail && opts.fail({ errMsg: 'uploadFile:fail ' + res.fail })
        else {
          const data = typeof res.data === 'string' ? res.data : JSON.stringify(res.data)
          opts.success && opts.success({ statusCode: res.statusCode, data: data, errMsg: 'uploadFile:ok' })
        }
        opts.complete && opts.complete()
      })
      return { abort() {}, onProgressUpdate() {} }
    },
    previewImage(opts) {
      state.previews.push({ current: opts.current, urls: opts.urls })
      later(() => opts.success && opts.success({ errMsg: 'previewImage:ok' }))
    },
  }

  function reset() {
    state.chooseCalls.length = 0
    state.chosen = null
    state.uploads.length = 0
    state.upload = null
    state.previews.length = 0
    // A test may delete chooseMedia (an old base library); every test starts with it present.
    if (global.wx) global.wx.chooseMedia = api.chooseMedia
  }

  // Holds every upload until the test releases it: release(i, answer) answers the i-th held one.
  function holdUploads() {
    const held = []
    const waiters = []
    state.upload = (req) =>
      new Promise((resolve) => {
        held.push({ req, resolve })
        waiters.splice(0).forEach((w) => w())
      })
    // Resolves once n uploads are held (no sleeps).
    const until = (n) =>
      new Promise((resolve) => {
        const check = () => (held.length >= n ? resolve() : waiters.push(check))
        check()
      })
    return { held, until, release: (i, answer) => held[i].resolve(answer) }
  }

  return { api, state, reset, holdUploads }
}

// The problem+json body of a refusal, as uploadFile hands it over (a string, no headers).
const problemBody = (status, body) => JSON.stringify(Object.assign({ status }, body))

module.exports = { createFakeMedia, problemBody }
