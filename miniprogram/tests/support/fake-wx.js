// In-memory stand-ins for the wx APIs the app uses. Tests install them with
// Object.assign(global.wx, fake.api) (miniprogram-simulate's own stubs always succeed and never
// persist storage, which hides the cases we care about).
//
// route(req) decides each wx.request: return {statusCode, header, data} for an HTTP answer or
// {fail: 'errMsg'} for a network failure — WeChat's semantics: success for ANY status. A promise of
// either holds the answer back until the test settles it (answers that cross).
function createFakeWx(route) {
  const storage = new Map()
  const state = {
    requests: [],
    toasts: [],
    loginCodes: [], // queue; falls back to 'code-N'
    loginCalls: 0,
    scanResult: null, // {result} for success, {errMsg} for fail
    navigations: [], // [{type: 'navigateTo' | 'redirectTo' | 'navigateBack' | 'switchTab', url?}]
    canGoBack: true, // false: navigateBack fails, as on a page opened straight from a QR code
    // wx.openBusinessView: every call is recorded; businessView(opts) plays WeChat's page and
    // returns (or resolves to) {} for success or {errMsg} for fail. Default: the customer backs out.
    businessViews: [],
    businessView: null,
    // wx.requestPayment: every call is recorded (the five signed values); payment(opts) plays WeChat's
    // payment sheet and returns (or resolves to) {} for success or {errMsg} for fail. Default: the
    // customer closes the sheet.
    payments: [],
    payment: null,
    route: route || (() => ({ statusCode: 404, header: {}, data: '' })),
  }

  const later = (fn) => Promise.resolve().then(fn)

  // Navigation only records what the page asked for; the test renders the next page itself.
  // nextNavigation() resolves at the next call, so a test waits for it instead of sleeping.
  let navWaiters = []
  const navigate = (nav) => {
    state.navigations.push(nav)
    const waiters = navWaiters
    navWaiters = []
    waiters.forEach((resolve) => resolve(nav))
  }
  const nextNavigation = (ms = 3000) =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timeout waiting for a navigation')), ms)
      navWaiters.push((nav) => {
        clearTimeout(t)
        resolve(nav)
      })
    })

  const api = {
    request(opts) {
      const req = { url: opts.url, method: opts.method || 'GET', header: opts.header || {}, data: opts.data }
      state.requests.push(req)
      later(() => state.route(req)).then((res) => {
        if (res.fail) opts.fail && opts.fail({ errMsg: 'request:fail ' + res.fail })
        else opts.success && opts.success({ statusCode: res.statusCode, header: res.header || {}, data: res.data })
      })
    },
    login(opts) {
      state.loginCalls++
      const code = state.loginCodes.length ? state.loginCodes.shift() : 'code-' + state.loginCalls
      later(() => opts.success && opts.success({ code: code, errMsg: 'login:ok' }))
    },
    scanCode(opts) {
      state.scanOptions = opts
      const r = state.scanResult || { errMsg: 'scanCode:fail cancel' }
      later(() => {
        if (r.result !== undefined) opts.success && opts.success({ result: r.result, scanType: 'QR_CODE' })
        else opts.fail && opts.fail({ errMsg: r.errMsg })
      })
    },
    navigateTo(opts) {
      navigate({ type: 'navigateTo', url: opts.url })
      later(() => opts.success && opts.success({ errMsg: 'navigateTo:ok' }))
    },
    redirectTo(opts) {
      navigate({ type: 'redirectTo', url: opts.url })
      later(() => opts.success && opts.success({ errMsg: 'redirectTo:ok' }))
    },
    switchTab(opts) {
      navigate({ type: 'switchTab', url: opts.url })
      later(() => opts.success && opts.success({ errMsg: 'switchTab:ok' }))
    },
    navigateBack(opts) {
      navigate({ type: 'navigateBack', delta: (opts && opts.delta) || 1 })
      // Decided now, not when the callback runs, so a test can change canGoBack right after.
      const ok = state.canGoBack
      later(() => {
        if (ok) opts && opts.success && opts.success({ errMsg: 'navigateBack:ok' })
        else opts && opts.fail && opts.fail({ errMsg: 'navigateBack:fail cannot navigate back at first page.' })
      })
    },
    openBusinessView(opts) {
      state.businessViews.push({ businessType: opts.businessType, extraData: opts.extraData })
      const play = state.businessView || (() => ({ errMsg: 'openBusinessView:fail cancel' }))
      later(() => play(opts)).then((r) => {
        if (r && r.errMsg) opts.fail && opts.fail({ errMsg: r.errMsg })
        else opts.success && opts.success({ errMsg: 'openBusinessView:ok' })
        opts.complete && opts.complete()
      })
    },
    requestPayment(opts) {
      state.payments.push({
        timeStamp: opts.timeStamp,
        nonceStr: opts.nonceStr,
        package: opts.package,
        signType: opts.signType,
        paySign: opts.paySign,
      })
      const play = state.payment || (() => ({ errMsg: 'requestPayment:fail cancel' }))
      later(() => play(opts)).then((r) => {
        if (r && r.errMsg) opts.fail && opts.fail({ errMsg: r.errMsg })
        else opts.success && opts.success({ errMsg: 'requestPayment:ok' })
        opts.complete && opts.complete()
      })
    },
    showToast(opts) {
      state.toasts.push(opts)
    },
    stopPullDownRefresh() {},
    getStorageSync(key) {
      return storage.has(key) ? storage.get(key) : ''
    },
    setStorageSync(key, value) {
      storage.set(key, JSON.parse(JSON.stringify(value)))
    },
    removeStorageSync(key) {
      storage.delete(key)
    },
  }

  // WeChat's page stays open until the test calls reportBack(result) ({} or {errMsg}); `shown`
  // resolves once it is open. customerAction(opts) is what the customer does on it meanwhile.
  function pendingBusinessView(customerAction) {
    let report
    let opened
    const shown = new Promise((resolve) => (opened = resolve))
    state.businessView = (opts) => {
      customerAction(opts)
      opened()
      return new Promise((resolve) => (report = resolve))
    }
    return { shown, reportBack: (result) => report(result) }
  }

  function reset(newRoute) {
    storage.clear()
    state.requests.length = 0
    state.toasts.length = 0
    state.loginCodes.length = 0
    state.loginCalls = 0
    state.scanResult = null
    state.scanOptions = null
    state.navigations.length = 0
    state.canGoBack = true
    state.businessViews.length = 0
    state.businessView = null
    state.payments.length = 0
    state.payment = null
    // A test may delete it (an old base library); every test starts with it present.
    if (global.wx) global.wx.openBusinessView = api.openBusinessView
    if (newRoute) state.route = newRoute
  }

  // The same for WeChat's payment sheet: open until the test calls reportBack(result).
  function pendingPayment() {
    let report
    let opened
    const shown = new Promise((resolve) => (opened = resolve))
    state.payment = () => {
      opened()
      return new Promise((resolve) => (report = resolve))
    }
    return { shown, reportBack: (result) => report(result) }
  }

  return { api, state, storage, reset, nextNavigation, pendingBusinessView, pendingPayment }
}

// Shorthands for route() results.
const json = (statusCode, data, contentType = 'application/json; charset=utf-8') => ({
  statusCode,
  header: { 'Content-Type': contentType },
  data,
})
const problem = (statusCode, body, headerName = 'Content-Type') => ({
  statusCode,
  header: { [headerName]: 'application/problem+json; charset=utf-8' },
  data: Object.assign({ status: statusCode }, body),
})

module.exports = { createFakeWx, json, problem }
