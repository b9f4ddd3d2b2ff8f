// 订单详情 (options.orderNo): what was taken, what it cost, how it was paid (礼票 / 微信), its status,
// and 去支付 while something is due. Paying (docs/integrations/miniprogram-orders.md):
//   - jsapi: wx.requestPayment with the server's signed values;
//   - payscore-page: WeChat's Pay Score order page (wx.openBusinessView), where WeChat collects what
//     it is still deducting; when that page cannot be shown, 改用微信支付 asks for a JSAPI payment.
// Neither result is proof of payment: afterwards the server asks WeChat (payment-check) and the page
// shows its answer. While WeChat is still taking the money and there is nothing to do (支付中, no
// 去支付), the page follows the order with back-off polls like the session page. Component() page.
// A corrected order (已修正) or an extra charge (补扣, with its 原订单) is tagged next to the status;
// what went back to the customer is listed under 退款记录. Older servers send none of these fields:
// missing reads as a normal order without refunds.
const config = require('../../config')
const orders = require('../../services/orders')
const payscore = require('../../services/payscore')
const format = require('../../utils/format')
const polling = require('../../utils/polling')
const pageReturn = require('../../utils/page-return')
const nav = require('../../utils/nav')

const NO_RE = /^[A-Za-z0-9_-]{1,64}$/
const MSG_BAD_NO = '找不到该订单'
const MSG_CANCELLED = '已取消支付'
const MSG_PAID = '支付成功'
const MSG_NOT_PAID = '支付未完成，可再次点击去支付'
// WeChat reported success but the server has not seen the money yet (its answer is what counts).
const MSG_CONFIRMING = '支付结果确认中，请稍后下拉刷新'
const MSG_PAYSCORE_OLD_WECHAT = '当前微信版本无法打开微信支付分页面，可改用微信支付'
const MSG_PAYSCORE_PAGE_FAILED = '无法打开微信支付分页面，可改用微信支付'

// Tags for the order types that are not a plain purchase; 'Normal' and unknown types get none.
const TYPE_TAGS = { Corrected: '已修正', Supplementary: '补扣' }
// Fallbacks for a refund without the server's labels (its labels win).
const REFUND_CHANNEL_LABELS = { Tickets: '礼票' } // any other channel is WeChat
const REFUND_STATUS_LABELS = { Pending: '退款中', Processing: '退款中', Succeeded: '已退款', Failed: '退款失败，客服处理中' }

function itemOf(i, index) {
  return {
    key: index,
    name: i.name || '',
    imageUrl: i.imageUrl || '', // '' = the placeholder
    quantity: i.quantity,
    unitPriceText: format.yuan(i.unitPrice),
    amountText: format.yuan(i.amount),
  }
}

// A refund as the 退款记录 card shows it: ¥x.xx, plus the tickets credited for the tickets channel.
function refundOf(r, index) {
  const tickets = r.channel === 'Tickets' ? Number(r.tickets) || 0 : 0
  return {
    key: index,
    amountText: format.yuan(r.amount) + (tickets > 0 ? '（' + tickets + ' 张礼票）' : ''),
    channelLabel: r.channelLabel || REFUND_CHANNEL_LABELS[r.channel] || '微信',
    status: r.status || '',
    statusLabel: r.statusLabel || REFUND_STATUS_LABELS[r.status] || '',
    timeText: format.beijingTime(r.createdAt),
  }
}

// The server's detail as the page shows it. A channel that paid nothing is not shown at all.
function viewOf(o) {
  const tickets = Number(o.ticketsUsed) || 0
  const wechat = Number(o.wxPaymentAmount) || 0
  const due = Number(o.amountDue) || 0
  return {
    orderNo: o.orderNo,
    storeName: o.storeName || '',
    deviceCode: o.deviceCode || '',
    timeText: format.beijingTime(o.orderTime),
    paymentTimeText: o.paymentTime ? format.beijingTime(o.paymentTime) : '',
    paymentLabel: format.paymentLabel(o.paymentMethod),
    status: o.paymentStatus || '',
    statusLabel: o.statusLabel || '',
    held: o.held === true,
    failure: o.paymentFailure || '',
    totalText: format.yuan(o.totalAmount),
    ticketsText: tickets > 0 ? tickets + ' 张 = ' + format.yuan(o.ticketAmount) : '',
    wechatText: wechat > 0 ? format.yuan(wechat) : '',
    dueText: due > 0 ? format.yuan(due) : '',
    canPay: o.canPay === true,
    items: (o.items || []).map(itemOf),
    orderType: TYPE_TAGS[o.orderType] ? o.orderType : 'Normal',
    typeTag: TYPE_TAGS[o.orderType] || '',
    // 原订单: only a 补扣 points back to the order it charges for.
    relatedOrderNo: o.orderType === 'Supplementary' && typeof o.relatedOrderNo === 'string' ? o.relatedOrderNo : '',
    refunds: Array.isArray(o.refunds) ? o.refunds.map(refundOf) : [],
  }
}

// WeChat is still taking the money and the customer has nothing to do: worth following.
function waitingForWechat(o) {
  return o.paymentStatus === 'Paying' && o.canPay !== true
}

Component({
  data: {
    orderNo: '',
    loading: true,
    loadError: '',
    order: null, // viewOf(detail)
    paying: false, // a payment is in flight (去支付 → WeChat → payment-check)
    payNotice: '', // why the payment did not finish, or why 改用微信支付 is offered
    fallback: false, // offer 改用微信支付 (a Pay Score order whose WeChat page cannot be shown)
  },

  lifetimes: {
    // A Component page is detached when it is unloaded: no poll may outlive it either way.
    detached() {
      this.onUnload()
    },
  },

  methods: {
    onLoad(query) {
      const no = query && typeof query.orderNo === 'string' ? query.orderNo.trim() : ''
      this.unloaded = false
      this.timer = null
      this.following = false
      this.delay = config.pollIntervalMs
      // One payment at a time: stubbed buttons ignore `disabled`, and a second wx.requestPayment or
      // WeChat page on top of the first would leave two attempts to reconcile. payRun tells a late
      // callback of an earlier payment from the current one.
      this.paying = false
      this.payRun = 0
      this.returns = pageReturn.createReturnTracker()
      if (!NO_RE.test(no)) {
        this.setData({ loading: false, loadError: MSG_BAD_NO })
        return Promise.resolve()
      }
      this.setData({ orderNo: no })
      return this.load()
    },

    onUnload() {
      this.unloaded = true
      this.stopFollowing()
    },

    // Back from WeChat's Pay Score page: this or openBusinessView's callback, whichever comes first,
    // asks the server (afterPayScorePage, utils/page-return.js).
    onShow() {
      if (!this.returns) return Promise.resolve() // not loaded (WeChat calls onLoad first)
      return this.returns.shown((attempt) => this.afterPayScorePage(attempt))
    },

    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh())
    },

    onRetry() {
      return this.load()
    },

    onBack() {
      nav.goBack()
    },

    // A failure has been a toast (api.js, unless silent); it replaces the page only when there is no
    // order on it yet.
    load(options) {
      if (!this.data.orderNo) return Promise.resolve()
      return orders.get(this.data.orderNo, options).then(
        (order) => this.show(order),
        (err) => {
          if (!this.unloaded && !this.data.order) this.setData({ loading: false, loadError: err.message })
        },
      )
    },

    show(order) {
      if (this.unloaded) return
      const view = viewOf(order)
      const patch = { loading: false, loadError: '', order: view }
      // Nothing left to pay: whatever the last attempt said no longer applies.
      if (!view.canPay) Object.assign(patch, { payNotice: '', fallback: false })
      this.setData(patch)
      if (waitingForWechat(order)) this.keepFollowing()
      else this.stopFollowing()
    },

    // Polls while waitingForWechat: the first after pollIntervalMs, each further one later by
    // pollBackoff up to pollMaxIntervalMs (config.js). A poll already scheduled is kept.
    keepFollowing() {
      if (this.unloaded || this.timer !== null) return
      this.delay = this.following ? polling.nextDelay(this.delay) : config.pollIntervalMs
      this.following = true
      this.timer = setTimeout(() => {
        this.timer = null
        this.poll()
      }, this.delay)
    },

    stopFollowing() {
      this.following = false
      if (this.timer !== null) clearTimeout(this.timer)
      this.timer = null
    },

    // Silent: a lost answer is asked again later; one that will not get better (404) ends the polls.
    poll() {
      return orders.get(this.data.orderNo, { silent: true }).then(
        (order) => this.show(order),
        (err) => {
          if (this.unloaded) return
          if (polling.retryable(err)) this.keepFollowing()
          else this.stopFollowing()
        },
      )
    },

    onPay() {
      return this.startPay('')
    },

    // The fallback for a Pay Score order: a normal WeChat payment of what is due (the server then tells
    // Pay Score the order was paid elsewhere).
    onPayJsapi() {
      return this.startPay('jsapi')
    },

    startPay(method) {
      const order = this.data.order
      if (this.paying || this.unloaded || !order || !order.canPay) return Promise.resolve()
      const run = ++this.payRun
      this.paying = true
      this.setData({ paying: true, payNotice: '', fallback: false })
      return orders
        .pay(this.data.orderNo, method)
        .then(
          (answer) => {
            if (this.unloaded) return
            if (answer.order) this.show(answer.order)
            if (answer.kind === 'jsapi' && answer.requestPayment) return this.payJsapi(answer.requestPayment)
            if (answer.kind === 'payscore-page' && answer.payScorePage) return this.payOnPayScorePage(answer.payScorePage)
          },
          // api.js has shown the problem's title. A 409 (order-paid, order-held, order-not-payable)
          // means the order changed since it was shown: show it as it is now.
          (err) => {
            if (err && err.status === 409) return this.load({ silent: true })
          },
        )
        .then(() => this.endPaying(run))
    },

    endPaying(run) {
      if (run !== this.payRun || !this.paying) return
      this.paying = false
      if (!this.unloaded) this.setData({ paying: false })
    },

    // Whatever WeChat's payment sheet reports, the server is asked. Closing the sheet is the customer's
    // choice (a neutral toast); any other failure is only the page's notice when the server agrees
    // nothing was paid.
    payJsapi(params) {
      return orders.requestPayment(params).then((r) => {
        if (r.cancelled) wx.showToast({ title: MSG_CANCELLED, icon: 'none', duration: 2500 })
        return this.check().then((order) => {
          if (!order) return
          if (order.paymentStatus === 'Paid') wx.showToast({ title: MSG_PAID, icon: 'success' })
          else if (order.canPay && !r.cancelled) this.setData({ payNotice: r.ok ? MSG_CONFIRMING : MSG_NOT_PAID })
        })
      })
    },

    // WeChat's Pay Score order page. Its result cannot tell whether WeChat collected, so its return is
    // handled like the session page's 确认订单 (afterPayScorePage, once). A WeChat without the page, or
    // a page that fails for another reason than the customer backing out, gets 改用微信支付.
    payOnPayScorePage(page) {
      if (!payscore.canOpenWechatPayPage()) {
        this.offerFallback(MSG_PAYSCORE_OLD_WECHAT)
        return Promise.resolve()
      }
      const attempt = this.returns.next()
      this.returns.leave(attempt)
      return payscore.openWechatPayPage(page).then((r) =>
        this.afterPayScorePage(attempt).then(() => {
          if (!r.ok && !r.cancelled && this.returns.isLatest(attempt)) this.offerFallback(MSG_PAYSCORE_PAGE_FAILED)
        }),
      )
    },

    // Only the latest attempt can be awaiting its return, and it belongs to the payment in flight.
    afterPayScorePage(attempt) {
      return this.returns.back(attempt, () => this.check().then(() => this.endPaying(this.payRun)))
    },

    offerFallback(notice) {
      if (this.unloaded || !this.data.order || !this.data.order.canPay) return
      this.setData({ fallback: true, payNotice: notice })
    },

    // → the order as the server sees it after asking WeChat, or null when that call failed (a toast).
    check() {
      return orders.check(this.data.orderNo).then(
        (order) => {
          if (this.unloaded) return null
          this.show(order)
          return order
        },
        () => null,
      )
    },

    // 投诉 is offered on every order of the customer's: whether this one can still take a complaint
    // (an open one already, past the 30-day window) is the server's answer to filing it, shown there.
    onComplain() {
      const order = this.data.order
      if (order && order.orderNo) wx.navigateTo({ url: nav.complaintNewPage(order.orderNo) })
    },

    // 原订单 of a 补扣: that order's own detail page.
    onOpenRelated() {
      const order = this.data.order
      if (order && order.relatedOrderNo) wx.navigateTo({ url: nav.orderPage(order.relatedOrderNo) })
    },

    // An image that cannot be loaded is replaced by the placeholder.
    onImageError(e) {
      const index = Number(e && e.currentTarget && e.currentTarget.dataset && e.currentTarget.dataset.index)
      const order = this.data.order
      if (!order || !order.items[index]) return
      const items = order.items.map((item, i) => (i === index ? Object.assign({}, item, { imageUrl: '' }) : item))
      this.setData({ order: Object.assign({}, order, { items: items }) })
    },
  },
})
