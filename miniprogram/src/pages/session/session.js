// 购物中: follows one door session (options.sessionNo) until it is settled or the open failed, by
// polling GET /api/mp/sessions/{no}. The customer does nothing: the door unlocks, is pulled (Opening →
// Opened, pushed to the server by the vendor), closed (→ Closed) and the vendor's order settles it
// (→ Settled, with the order number once there is an order: 查看订单). The page shows the server's
// statusLabel for each state. In Pay Score 需确认 mode the session first waits (Created) for the
// customer to confirm the order on WeChat's page, which this page opens. Component() page like the
// others.
const config = require('../../config')
const doors = require('../../services/doors')
const payscore = require('../../services/payscore')
const qrcode = require('../../utils/qrcode')
const scan = require('../../utils/scan')
const nav = require('../../utils/nav')
const format = require('../../utils/format')
const polling = require('../../utils/polling')
const pageReturn = require('../../utils/page-return')

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
const MSG_CONFIRM_HINT = '确认后柜门自动打开'
const MSG_NOT_CONFIRMED = '您尚未确认微信支付分订单，柜门未打开'
const MSG_UPDATE_WECHAT = '当前微信版本过低，请升级微信后再确认微信支付分订单'
const MSG_CONFIRM_PAGE_FAILED = '无法打开微信支付分页面，请稍后重试'
// WeChat did not put the Pay Score service order in force, so the door stayed shut (payscore.md
// §2: no door without an order in force). The payment failed, not the cabinet: another way to
// pay may work.
// An order the customer did not confirm in time (需确认) ended the same way: tickets may still do.
const PAYSCORE_FAILURES = ['PAYSCORE_NOT_IN_FORCE', 'PAYSCORE_NOT_CONFIRMED']
const HINTS = {
  Created: '正在连接柜子，请稍候',
  Opening: '柜门即将打开，请稍候',
  Opened: '取完商品后请关好柜门，关门后自动结算',
  Closed: '您可以离开了，系统将自动结算',
  Settled: '本次购物已完成，感谢光临',
}
// Where a status stands in a session's life; a session never moves back (Failed and Expired end it
// from any earlier state).
const STAGES = { Created: 0, Opening: 1, Opened: 2, Closed: 3, Settled: 4, Failed: 4, Expired: 4 }

// The payscore-confirmed call asks WeChat and takes longer than a poll sent meanwhile, so either
// answer may arrive last. One behind the status shown is the older one: showing it would bring back
// 去确认 for a door that is already opening.
function behind(status, shown) {
  return STAGES[status] < STAGES[shown]
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
    ended: false, // Closed / Settled: nothing left for the customer to do (Closed still polls for the order)
    orderNo: '', // set once settled with an order: 查看订单
    noPurchase: false, // settled without an order: nothing taken, nothing charged
    failed: false, // Failed / Expired
    failureMessage: '',
    payScoreRefused: false, // ended by a Pay Score order not in force or not confirmed: offer tickets on the same cabinet
    confirmation: false, // 需确认: the order waits for the customer on WeChat's page (去确认)
    confirming: false, // from opening WeChat's page until the server has answered the return
    confirmNotice: '', // why the door is still shut: not confirmed, or a WeChat too old for the page
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
      this.confirmationPage = null // {businessType, extraData} of the latest view, for 去确认
      this.confirmOffered = false // WeChat's page has been opened without a tap (once per visit)
      this.confirming = false
      this.returns = pageReturn.createReturnTracker()
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

    // Returning from WeChat's confirmation page shows this page again. Nothing documents whether
    // that comes before or after openBusinessView's callbacks, so either one handles the return,
    // once (afterConfirmation, utils/page-return.js) — as the device page does after 开通.
    onShow() {
      if (!this.returns) return Promise.resolve() // not loaded (WeChat calls onLoad first)
      return this.returns.shown((attempt) => this.afterConfirmation(attempt))
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
            this.failures = 0
            if (behind(view.status, this.data.status)) return this.schedule()
            const changed = view.status !== this.data.status
            this.show(view)
            if (this.stopped) return // a final state
            this.delay = changed ? config.pollIntervalMs : polling.nextDelay(this.delay)
            this.schedule()
            // The customer usually arrives straight from 开门: WeChat's page opens by itself for the
            // first view that asks for it. Later polls carry it too; only 去确认 opens it again, or
            // every poll would send the customer back to WeChat.
            if (this.data.confirmation && !this.confirmOffered) {
              this.confirmOffered = true
              this.onConfirm()
            }
          },
          (err) => {
            if (this.stopped) return
            if (!polling.retryable(err)) {
              this.stopPolling()
              this.setData({ loading: false, loadError: err.message })
              return
            }
            this.failures++
            if (this.failures >= FAILURES_BEFORE_NOTICE) this.setData({ pollTrouble: MSG_POLL_TROUBLE })
            this.delay = polling.nextDelay(this.delay)
            this.schedule()
          },
        )
    },

    show(view) {
      const failed = doors.isFailedStatus(view.status)
      // Signed afresh for every view by the server; the latest is the one to open.
      this.confirmationPage = view.payScoreConfirmation || null
      const confirmation = !!this.confirmationPage
      // The order number comes with Settled (the server stores both at once); an empty purchase settles
      // without one.
      const settled = view.status === 'Settled'
      this.setData({
        loading: false,
        pollTrouble: '',
        status: view.status,
        statusLabel: view.statusLabel || '',
        hint: confirmation ? MSG_CONFIRM_HINT : HINTS[view.status] || '',
        storeName: view.storeName || '',
        deviceCode: view.deviceCode || '',
        paymentLabel: format.paymentLabel(view.paymentMethod),
        ended: doors.isEndedStatus(view.status),
        orderNo: settled && view.orderNo ? view.orderNo : '',
        noPurchase: settled && !view.orderNo,
        failed: failed,
        failureMessage: failed ? view.failureMessage || (view.status === 'Expired' ? MSG_EXPIRED : MSG_FAILED) : '',
        payScoreRefused: failed && PAYSCORE_FAILURES.includes(view.failureCode) && !!view.deviceCode,
        confirmation: confirmation,
        confirmNotice: confirmation ? this.data.confirmNotice : '',
      })
      if (doors.isStopStatus(view.status)) this.stopPolling()
    },

    // 去确认 (payscore.md §7.3): WeChat's order confirmation page, with the session's arguments. Its
    // result cannot tell whether the customer confirmed, so whichever comes first of
    // openBusinessView's success / fail and this page's next onShow asks the server
    // (afterConfirmation), once. The in-flight flag makes a double tap a no-op (stub buttons ignore
    // `disabled`).
    onConfirm() {
      if (this.confirming || !this.confirmationPage) return Promise.resolve()
      if (!payscore.canOpenWechatPayPage()) {
        wx.showToast({ title: MSG_UPDATE_WECHAT, icon: 'none', duration: 2500 })
        this.setData({ confirmNotice: MSG_UPDATE_WECHAT })
        return Promise.resolve()
      }
      const attempt = this.returns.next()
      this.confirming = true
      this.returns.leave(attempt)
      this.setData({ confirming: true, confirmNotice: '' })
      return payscore.openWechatPayPage(this.confirmationPage).then((r) => {
        // Backing out is the customer's choice: no toast. The server is asked all the same: a
        // failure report does not prove the customer did not confirm.
        if (!r.ok && !r.cancelled && this.returns.isLatest(attempt)) {
          wx.showToast({ title: MSG_CONFIRM_PAGE_FAILED, icon: 'none', duration: 2500 })
        }
        return this.afterConfirmation(attempt)
      })
    },

    // The customer is back from WeChat's page: the server asks WeChat and opens the door if the order
    // is in force. Its answer is shown at once; the polls follow the door from there. A failed call
    // has been a toast: 去确认 stays, and the server asks WeChat itself before the session times out.
    afterConfirmation(attempt) {
      return this.returns.back(attempt, () => this.askConfirmed(attempt))
    },

    askConfirmed(attempt) {
      return doors
        .payScoreConfirmed(this.data.sessionNo)
        .then(
          (view) => {
            if (this.stopped || behind(view.status, this.data.status)) return
            const changed = view.status !== this.data.status
            this.show(view)
            if (this.data.confirmation) this.setData({ confirmNotice: MSG_NOT_CONFIRMED })
            // The door opens about a second after it unlocks: do not wait out a poll that backed off
            // while the customer was on WeChat's page.
            if (changed) {
              this.delay = config.pollIntervalMs
              if (this.timer !== null) {
                clearTimeout(this.timer)
                this.schedule()
              }
            }
          },
          () => {},
        )
        .then(() => this.endConfirming(attempt))
    },

    endConfirming(attempt) {
      if (!this.returns.isLatest(attempt) || !this.confirming) return
      this.confirming = false
      this.setData({ confirming: false })
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

    // 查看订单: navigateTo, so 返回 comes back to this (finished) session.
    onViewOrder() {
      if (this.data.orderNo) wx.navigateTo({ url: nav.orderPage(this.data.orderNo) })
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
