// 开门: the page a cabinet QR code leads to (options.deviceCode). Precheck on load, show why the
// door cannot open when it cannot, let the customer pick a way to pay, then open and hand over to
// the session page. Component() page for the same reason as the home page.
const doors = require('../../services/doors')
const idempotency = require('../../utils/idempotency')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

const CODE_RE = /^[A-Za-z0-9_-]{1,50}$/
const MSG_BAD_CODE = '柜子编号无效，请重新扫码'
const MSG_NEEDS_AUTH = '需要先授权微信支付分，即将支持'

// A method the customer can pick now. A method that needs authorisation first is shown but not
// offered: the authorisation step (authorizePayScore, with the Pay Score client) does not exist
// yet, and opening without it would leave a door open with no way to charge.
function choosable(m) {
  return !!m && m.available === true && !m.needsAuthorization
}

function hintOf(m) {
  if (!m.available) return m.reason || '暂不可用'
  if (m.needsAuthorization) return MSG_NEEDS_AUTH
  return ''
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
    selectedLabel: '',
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
      // One key per visit of this page = one open intent: every tap and retry below reuses it,
      // so the server opens the door at most once however often the answer is lost.
      this.idempotencyKey = idempotency.newKey()
      if (!CODE_RE.test(code)) {
        this.setData({ loading: false, loadFailed: true, loadError: MSG_BAD_CODE })
        return Promise.resolve()
      }
      this.setData({ deviceCode: code })
      return this.refresh()
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
      const methods = (answer.methods || []).map((m) =>
        Object.assign({}, m, { choosable: choosable(m), hint: hintOf(m) }),
      )
      // Keep the customer's choice across a refresh when it is still possible; otherwise the
      // first possible method in the server's order (it lists its preferred method first).
      const kept = methods.filter((m) => m.choosable && m.method === this.data.selectedMethod)[0]
      const selected = kept || methods.filter((m) => m.choosable)[0] || null
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
        selectedLabel: selected ? selected.label : '',
        ticketBalance: answer.ticketBalance || 0,
        minTicketBalance: answer.minTicketBalance || 0,
        unpaidOrder: unpaid
          ? {
              orderNo: unpaid.orderNo,
              // The server does not price unpaid orders yet (it sends 0): show no amount rather
              // than a wrong ¥0.00.
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
      this.setData({ selectedMethod: m.method, selectedLabel: m.label })
    },

    // 开门. Stubbed buttons do not honour `disabled`, so every condition is checked here too;
    // the in-flight flag makes a double tap a no-op, the idempotency key covers the rest.
    onOpen() {
      const d = this.data
      const method = d.methods.filter((m) => m.method === d.selectedMethod)[0]
      if (d.opening || d.loading || !d.canOpen || d.unpaidOrder || !choosable(method)) return Promise.resolve()
      this.setData({ opening: true, openError: '' })
      return doors
        .openSession(d.deviceCode, method.method, this.idempotencyKey)
        .then((session) => {
          // redirectTo, not navigateTo: coming back to this page after the door closed would
          // offer 开门 again with a key the server already used (it would answer the old session).
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

    // customer-active-session: the customer's own unfinished session, usually on another tab.
    onShowActiveSession() {
      if (this.data.activeSessionNo) wx.navigateTo({ url: nav.sessionPage(this.data.activeSessionNo) })
    },
  },
})
