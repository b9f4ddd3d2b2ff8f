// 购物中: follows one door session (options.sessionNo) until the door is closed or the open
// failed, by polling GET /api/mp/sessions/{no}. The customer does nothing: the door unlocks,
// is pulled (Opening → Opened, pushed to the server by the vendor) and closed (→ Closed), and
// the page shows the server's statusLabel for each state. Component() page like the others.
const config = require('../../config')
const doors = require('../../services/doors')
const qrcode = require('../../utils/qrcode')
const scan = require('../../utils/scan')
const nav = require('../../utils/nav')

const NO_RE = /^[A-Za-z0-9_-]{1,50}$/
// After this many failed polls in a row the page says so (and keeps trying): one lost answer on
// a shop's Wi-Fi is normal, three are worth telling the customer why nothing moves.
const FAILURES_BEFORE_NOTICE = 3
const MSG_BAD_NO = '找不到该购物记录，请重新扫码'
const MSG_POLL_TROUBLE = '网络不稳定，正在重新获取柜门状态…'
const MSG_FAILED = '开门未成功，请重新扫码或更换柜子'
const MSG_EXPIRED = '本次购物已超时结束，请重新扫码'
const MSG_UNKNOWN_QR = '无法识别的二维码'
const MSG_SCAN_FAILED = '扫码失败，请重试'
const PAYMENT_LABELS = { Tickets: '礼票', PayScore: '微信支付分' }
// WeChat did not put the Pay Score service order in force, so the door stayed shut (payscore.md
// §2: no door without an order in force). The payment failed, not the cabinet: another way to
// pay may work.
const PAYSCORE_NOT_IN_FORCE = 'PAYSCORE_NOT_IN_FORCE'
const HINTS = {
  Created: '正在连接柜子，请稍候',
  Opening: '柜门即将打开，请稍候',
  Opened: '取完商品后请关好柜门，关门后自动结算',
  Closed: '您可以离开了，系统将自动结算',
  Settled: '本次购物已完成，感谢光临',
}

// 0 = the request never got an answer, 5xx = server trouble, 408/429 = try later: worth
// retrying. Any other 4xx (404 not this customer's session, 401 after the one re-login) will
// not get better by asking again.
function retryable(err) {
  const s = err && err.status
  return !s || s >= 500 || s === 408 || s === 429
}

function nextDelay(delay) {
  const grown = Math.round(delay * config.pollBackoff)
  return Math.min(config.pollMaxIntervalMs, Math.max(config.pollIntervalMs, grown))
}

Component({
  data: {
    sessionNo: '',
    loading: true,
    status: '', // server enum: Created … Expired
    statusLabel: '',
    hint: '',
    storeName: '',
    deviceCode: '',
    paymentLabel: '',
    ended: false, // Closed / Settled: polling stopped, nothing left to do
    failed: false, // Failed / Expired
    failureMessage: '',
    payScoreRefused: false, // Failed with PAYSCORE_NOT_IN_FORCE: offer tickets on the same cabinet
    pollTrouble: '',
    loadError: '', // the session cannot be shown at all (bad number, not ours)
  },

  lifetimes: {
    // A Component page is detached when it is unloaded; stopping here as well means no timer
    // can outlive the page whichever of the two the runtime calls.
    detached() {
      this.stopPolling()
    },
  },

  methods: {
    onLoad(query) {
      const no = query && typeof query.sessionNo === 'string' ? query.sessionNo.trim() : ''
      this.timer = null
      this.stopped = false
      this.failures = 0
      this.delay = config.pollIntervalMs
      if (!NO_RE.test(no)) {
        this.stopped = true
        this.setData({ loading: false, loadError: MSG_BAD_NO })
        return Promise.resolve()
      }
      this.setData({ sessionNo: no })
      // The first answer is awaited (tests and the loading state); later polls run on timers.
      return this.poll()
    },

    onUnload() {
      this.stopPolling()
    },

    stopPolling() {
      this.stopped = true
      if (this.timer !== null && this.timer !== undefined) clearTimeout(this.timer)
      this.timer = null
    },

    schedule() {
      if (this.stopped) return
      this.timer = setTimeout(() => {
        this.timer = null
        this.poll()
      }, this.delay)
    },

    poll() {
      if (this.stopped) return Promise.resolve()
      return doors
        .getSession(this.data.sessionNo, { silent: true })
        .then(
          (view) => {
            if (this.stopped) return // unloaded while the request was out
            const changed = view.status !== this.data.status
            this.failures = 0
            this.show(view)
            if (doors.isStopStatus(view.status)) return this.stopPolling()
            this.delay = changed ? config.pollIntervalMs : nextDelay(this.delay)
            this.schedule()
          },
          (err) => {
            if (this.stopped) return
            if (!retryable(err)) {
              this.stopPolling()
              this.setData({ loading: false, loadError: err.message })
              return
            }
            this.failures++
            if (this.failures >= FAILURES_BEFORE_NOTICE) this.setData({ pollTrouble: MSG_POLL_TROUBLE })
            this.delay = nextDelay(this.delay)
            this.schedule()
          },
        )
    },

    show(view) {
      const failed = doors.isFailedStatus(view.status)
      this.setData({
        loading: false,
        pollTrouble: '',
        status: view.status,
        statusLabel: view.statusLabel || '',
        hint: HINTS[view.status] || '',
        storeName: view.storeName || '',
        deviceCode: view.deviceCode || '',
        paymentLabel: PAYMENT_LABELS[view.paymentMethod] || '',
        ended: doors.isStopStatus(view.status) && !failed,
        failed: failed,
        failureMessage: failed ? view.failureMessage || (view.status === 'Expired' ? MSG_EXPIRED : MSG_FAILED) : '',
        payScoreRefused: failed && view.failureCode === PAYSCORE_NOT_IN_FORCE && !!view.deviceCode,
      })
    },

    onBack() {
      nav.goBack()
    },

    // 改用礼票开门: back to the same cabinet's page, tickets selected when the customer can use them
    // (the page says why otherwise). redirectTo: this session is over, and the device page is a new
    // visit with new idempotency keys, so the refused Pay Score session is not answered again.
    onChooseTickets() {
      if (!this.data.deviceCode) return
      wx.redirectTo({ url: nav.devicePage(this.data.deviceCode, 'Tickets') })
    },

    onHome() {
      nav.goHome()
    },

    // 重新扫码: straight to the camera; the new code replaces this page (the session is over).
    onRescan() {
      return scan.scanQr().then((r) => {
        if (!r.ok) {
          if (!r.cancelled) wx.showToast({ title: MSG_SCAN_FAILED, icon: 'none', duration: 2500 })
          return
        }
        const entry = qrcode.parseEntryUrl(r.result)
        if (!entry) {
          wx.showToast({ title: MSG_UNKNOWN_QR, icon: 'none', duration: 2500 })
          return
        }
        wx.redirectTo({ url: nav.entryPage(entry) })
      })
    },
  },
})
