// 开门: the page a cabinet QR code leads to (options.deviceCode, optionally options.method). Precheck
// on load, show why the door cannot open when it cannot, let the customer pick a way to pay — and
// open WeChat's Pay Score authorisation page first when Pay Score needs it — then open and hand over
// to the session page. Component() page for the same reason as the home page.
const doors = require('../../services/doors')
const payscore = require('../../services/payscore')
const idempotency = require('../../utils/idempotency')
const format = require('../../utils/format')
const nav = require('../../utils/nav')
const pageReturn = require('../../utils/page-return')

const CODE_RE = /^[A-Za-z0-9_-]{1,50}$/
const METHODS = { PayScore: true, Tickets: true }
// Pay Score first: nothing to top up and nothing paid before the door closes; tickets otherwise.
const DEFAULT_ORDER = ['PayScore', 'Tickets']
const MSG_BAD_CODE = '柜子编号无效，请重新扫码'
const MSG_NEEDS_AUTH = '请先开通微信支付分'
const MSG_PAY_AFTER = '先取商品，关门后按订单金额用微信支付'
const MSG_UPDATE_WECHAT = '当前微信版本过低，请升级微信后再开通微信支付分'
const MSG_AUTH_PAGE_FAILED = '无法打开微信支付分页面，请稍后重试'

// A method the customer can pick now. Pay Score that needs authorisation is shown with
// 开通微信支付分 but not offered: opening without a service order would leave a door open with no
// way to charge (the server refuses it with payscore-unauthorized anyway).
function choosable(m) {
  return !!m && m.available === true && !m.needsAuthorization
}

// (a) Pay Score authorised and (tickets) available: no hint. (b) not authorised: the server's
// reason, above the 开通 button. (c) the Pay Score switch is off (payScoreServiceOrders false): no
// service order, the order is paid after the door closes — the label alone does not say so.
function hintOf(m, serviceOrders) {
  if (m.needsAuthorization) return m.reason || MSG_NEEDS_AUTH
  if (!m.available) return m.reason || '暂不可用'
  if (m.method === 'PayScore' && !serviceOrders) return MSG_PAY_AFTER
  return ''
}

// 开通 is offered only where it can lead to an open: the door can open already (with tickets), or
// the one refusal is that no method is available. Any other refusal (offline, busy, an unpaid
// order…) stays whatever the customer authorises.
function authorizable(answer, m) {
  return !!m && m.needsAuthorization === true && (answer.canOpen === true || answer.refusalCode === 'no-payment-method')
}

// The first wish that names a method the customer can pick, else the first one they can pick.
function pick(methods, wishes) {
  for (let i = 0; i < wishes.length; i++) {
    const m = methods.filter((x) => x.choosable && x.method === wishes[i])[0]
    if (m) return m
  }
  return methods.filter((x) => x.choosable)[0] || null
}

// "微信支付（先用后付）" → "微信支付": the button already wraps the label in （）.
function shortLabel(label) {
  return String(label || '').replace(/（[^）]*）$/, '')
}

Component({
  data: {
    deviceCode: '',
    loading: true,
    loadFailed: false,
    loadError: '',
    device: null, // {deviceCode, storeCode, storeName, online}
    canOpen: false,
    refusalCode: '',
    refusalMessage: '',
    methods: [], // server methods + {choosable, hint}
    selectedMethod: '', // 'Tickets' | 'PayScore' | ''
    selectedLabel: '', // short form, for the 开门 button
    payScoreServiceOrders: true, // false = the Pay Score switch is off (see hintOf)
    payScoreAuthorizable: false, // show 开通微信支付分
    authorizing: false, // from the 开通 tap until the precheck after WeChat's page
    authNotice: '', // why 开通 cannot work here (an old WeChat)
    ticketBalance: 0,
    minTicketBalance: 0,
    unpaidOrder: null, // {orderNo, amountText, timeText}
    activeSessionNo: '',
    opening: false,
    openError: '', // the Chinese title of a refused open; the page stays with 重试 / 返回
  },

  methods: {
    onLoad(query) {
      const code = query && typeof query.deviceCode === 'string' ? query.deviceCode.trim() : ''
      // One key per (visit, method), made on first use (keyFor). Per visit: every tap and retry of
      // one intent reuses it, so the server opens the door at most once however often the answer
      // is lost. Per method as well, because the server answers a known key with the session it
      // made whatever the method: after a lost Pay Score answer, a tap with tickets must not get
      // that Pay Score session back (a different method is a different intent; while the first
      // session is active the server refuses the second with customer-active-session). Not reset
      // on each change of method: after a lost Pay Score answer, switching to tickets and back
      // would mint a new Pay Score key, and the retry would be refused (customer-active-session)
      // instead of getting the session the server made for the first tap.
      this.idempotencyKeys = {}
      // One-shot wish for the first precheck (the session page sends 'Tickets' after Pay Score
      // refused the order); afterwards the customer's own choice is kept.
      this.preferredMethod = query && METHODS[query.method] === true ? query.method : ''
      this.authorizing = false
      this.returns = pageReturn.createReturnTracker()
      this.leftToPay = false // 去支付 opened the unpaid order's page: precheck again on the way back
      if (!CODE_RE.test(code)) {
        this.setData({ loading: false, loadFailed: true, loadError: MSG_BAD_CODE })
        return Promise.resolve()
      }
      this.setData({ deviceCode: code })
      return this.refresh()
    },

    // A Component page gets its page lifecycles in methods. Returning from WeChat's Pay Score
    // page shows this page again (App.onShow scene 1038, payscore.md §3.5). Nothing documents
    // whether that comes before or after openBusinessView's callbacks, so either one handles the
    // return, once (afterAuthorization, utils/page-return.js). Back from the order page after 去支付,
    // the order may be paid now: the precheck says whether the door can open.
    onShow() {
      if (!this.returns) return Promise.resolve() // not loaded (WeChat calls onLoad first)
      if (this.returns.pending()) return this.returns.shown((attempt) => this.afterAuthorization(attempt))
      if (this.leftToPay) {
        this.leftToPay = false
        return this.refresh()
      }
      return Promise.resolve()
    },

    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },

    // Errors were already shown as a toast by services/api.js; the page keeps 重试 / 返回.
    refresh() {
      if (!this.data.deviceCode) return Promise.resolve()
      this.setData({ loading: true, openError: '' })
      return doors
        .precheck(this.data.deviceCode)
        .then((answer) => this.showPrecheck(answer))
        .catch((err) => this.setData({ loading: false, loadFailed: true, loadError: err.message }))
    },

    showPrecheck(answer) {
      // Absent from an older server: it had no switch, a service order is the default.
      const serviceOrders = answer.payScoreServiceOrders !== false
      const methods = (answer.methods || []).map((m) =>
        Object.assign({}, m, { choosable: choosable(m), hint: hintOf(m, serviceOrders) }),
      )
      // A wish (back from a refusal, or just authorised) first, then the customer's choice kept
      // across a refresh, then Pay Score, then tickets, then whatever else the server offers.
      const selected = pick(methods, [this.preferredMethod, this.data.selectedMethod].concat(DEFAULT_ORDER))
      this.preferredMethod = ''
      const payScore = methods.filter((m) => m.method === 'PayScore')[0]
      const unpaid = answer.unpaidOrder
      this.setData({
        loading: false,
        loadFailed: false,
        loadError: '',
        device: answer.device || null,
        canOpen: answer.canOpen === true,
        refusalCode: answer.refusalCode || '',
        refusalMessage: answer.canOpen ? '' : answer.refusalMessage || '暂时无法开门',
        methods: methods,
        selectedMethod: selected ? selected.method : '',
        selectedLabel: selected ? shortLabel(selected.label) : '',
        payScoreServiceOrders: serviceOrders,
        payScoreAuthorizable: authorizable(answer, payScore),
        ticketBalance: answer.ticketBalance || 0,
        minTicketBalance: answer.minTicketBalance || 0,
        unpaidOrder: unpaid
          ? {
              orderNo: unpaid.orderNo,
              // An order with nothing to pay is never unpaid; a 0 here would be a server without
              // prices (an older one sent 0): show no amount rather than a wrong ¥0.00.
              amountText: Number(unpaid.totalAmount) > 0 ? format.yuan(unpaid.totalAmount) : '',
              timeText: format.beijingTime(unpaid.orderTime),
            }
          : null,
        activeSessionNo: answer.activeSessionNo || '',
      })
    },

    onChooseMethod(e) {
      const method = e && e.currentTarget && e.currentTarget.dataset && e.currentTarget.dataset.method
      const m = this.data.methods.filter((x) => x.method === method)[0]
      if (!choosable(m) || this.data.opening) return
      this.setData({ selectedMethod: m.method, selectedLabel: shortLabel(m.label) })
    },

    keyFor(method) {
      if (!this.idempotencyKeys[method]) this.idempotencyKeys[method] = idempotency.newKey()
      return this.idempotencyKeys[method]
    },

    // 开通微信支付分 (payscore.md §3.5): the server's token opens WeChat's page. WeChat's answer
    // cannot tell whether the customer agreed, so whichever comes first of openBusinessView's
    // success / fail and this page's next onShow asks the server (afterAuthorization), once.
    // The in-flight flag makes a double tap a no-op (stub buttons ignore `disabled`).
    onAuthorizePayScore() {
      if (this.authorizing || this.data.opening || !this.data.payScoreAuthorizable) return Promise.resolve()
      if (!payscore.canOpenWechatPayPage()) {
        wx.showToast({ title: MSG_UPDATE_WECHAT, icon: 'none', duration: 2500 })
        this.setData({ authNotice: MSG_UPDATE_WECHAT })
        return Promise.resolve()
      }
      const attempt = this.returns.next()
      this.authorizing = true
      this.setData({ authorizing: true, authNotice: '' })
      return payscore
        .startAuthorization()
        .then(
          (page) => {
            this.returns.leave(attempt)
            return payscore.openWechatPayPage(page).then((r) => {
              // Backing out of WeChat's page is the customer's choice: no toast. The server is
              // asked all the same: a failure report does not prove the customer did not agree.
              if (!r.ok && !r.cancelled && this.returns.isLatest(attempt)) {
                wx.showToast({ title: MSG_AUTH_PAGE_FAILED, icon: 'none', duration: 2500 })
              }
              return this.afterAuthorization(attempt)
            })
          },
          // No token (e.g. 503 payscore-unavailable): api.js has shown the problem's title.
          () => {},
        )
        .then(() => this.endAuthorizing(attempt))
    },

    // The customer is back from WeChat's page: the server asks WeChat, then the precheck shows the
    // result and selects Pay Score when it can be used now. A refresh that fails has been a toast;
    // the precheck still runs (a notification from WeChat may have arrived meanwhile).
    afterAuthorization(attempt) {
      return this.returns.back(attempt, () =>
        payscore
          .refreshAuthorization()
          .catch(() => {})
          .then(() => {
            this.preferredMethod = 'PayScore'
            return this.refresh()
          })
          .then(() => this.endAuthorizing(attempt)),
      )
    },

    endAuthorizing(attempt) {
      if (!this.returns.isLatest(attempt) || !this.authorizing) return
      this.authorizing = false
      this.setData({ authorizing: false })
    },

    // 开门. Stubbed buttons do not honour `disabled`, so every condition is checked here too;
    // the in-flight flag makes a double tap a no-op, the idempotency key covers the rest.
    onOpen() {
      const d = this.data
      const method = d.methods.filter((m) => m.method === d.selectedMethod)[0]
      if (d.opening || d.loading || this.authorizing || !d.canOpen || d.unpaidOrder || !choosable(method)) return Promise.resolve()
      this.setData({ opening: true, openError: '' })
      return doors
        .openSession(d.deviceCode, method.method, this.keyFor(method.method))
        .then((session) => {
          // redirectTo, not navigateTo: coming back to this page after the door closed would
          // offer 开门 again with a key the server already used (it would answer the old session).
          // A Failed session goes there too: the session page says why and offers the way back.
          // `opening` stays set until the page is gone, so no tap slips in during the switch.
          wx.redirectTo({
            url: nav.sessionPage(session.sessionNo),
            fail: () => this.setData({ opening: false }),
          })
        })
        .catch((err) => {
          // The toast (the problem's Chinese title) is shown by api.js; keep it on the page too.
          this.setData({ opening: false, openError: err.message })
        })
    },

    onRetry() {
      return this.refresh()
    },

    onBack() {
      nav.goBack()
    },

    // unpaid-order: 去支付 on the order's own page (it pays, checks and shows the result). navigateTo,
    // so the customer comes back here, where onShow prechecks again.
    onPayUnpaid() {
      const order = this.data.unpaidOrder
      if (!order || !order.orderNo) return
      this.leftToPay = true
      wx.navigateTo({
        url: nav.orderPage(order.orderNo),
        fail: () => (this.leftToPay = false),
      })
    },

    // customer-active-session: the customer's own unfinished session, usually on another tab.
    onShowActiveSession() {
      if (this.data.activeSessionNo) wx.navigateTo({ url: nav.sessionPage(this.data.activeSessionNo) })
    },
  },
})
