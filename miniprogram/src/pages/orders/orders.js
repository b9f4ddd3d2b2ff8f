// 我的订单: the customer's orders, newest first, PAGE_SIZE at a time (more on reaching the bottom,
// the first page again on pull-down). A row or its 去支付 leads to the order page, which pays; back
// from it, that one row is read again (it may be paid now) without reloading what was scrolled
// through. Component() page like the others.
const orders = require('../../services/orders')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

const PAGE_SIZE = 20

// "可口可乐 330ml 等 3 件": itemCount counts pieces, so one product taken twice reads 等 2 件 as well.
function summaryOf(o) {
  const n = Number(o.itemCount) || 0
  const name = o.firstItemName || ''
  if (!name) return n > 0 ? '共 ' + n + ' 件商品' : ''
  return n > 1 ? name + ' 等 ' + n + ' 件' : name
}

function rowOf(o) {
  return {
    orderNo: o.orderNo,
    storeName: o.storeName || '',
    timeText: format.beijingTime(o.orderTime),
    summary: summaryOf(o),
    totalText: format.yuan(o.totalAmount),
    status: o.paymentStatus || '',
    statusLabel: o.statusLabel || '',
    canPay: o.canPay === true,
  }
}

Component({
  data: {
    orders: [], // rowOf(...)
    total: 0,
    loading: true, // the first page, nothing shown yet
    loadError: '', // the first page failed: the problem's title, with 重试
    loadingMore: false,
    moreFailed: false, // the next page failed: reaching the bottom again retries
    hasMore: false,
  },

  methods: {
    onLoad() {
      this.page = 0 // pages loaded so far
      this.generation = 0 // a reload starts a new generation; older answers are dropped
      this.opened = '' // the order whose page was opened from here
      return this.reload()
    },

    onShow() {
      if (!this.opened) return Promise.resolve()
      const no = this.opened
      this.opened = ''
      return this.refreshRow(no)
    },

    onPullDownRefresh() {
      return this.reload().then(() => wx.stopPullDownRefresh())
    },

    onReachBottom() {
      return this.loadMore()
    },

    onRetry() {
      return this.reload()
    },

    // The first page, replacing whatever is shown (pull-down, retry). The list stays on screen while
    // it loads; a failure over a shown list is only api.js's toast.
    reload() {
      const generation = ++this.generation
      this.setData({ loadError: '', loadingMore: false, moreFailed: false })
      return orders.list(1, PAGE_SIZE).then(
        (answer) => {
          if (generation !== this.generation) return
          const rows = (answer.items || []).map(rowOf)
          this.page = 1
          this.setData({
            loading: false,
            orders: rows,
            total: answer.total || 0,
            hasMore: rows.length > 0 && PAGE_SIZE < (answer.total || 0),
          })
        },
        (err) => {
          if (generation !== this.generation) return
          this.setData({ loading: false, loadError: this.data.orders.length ? '' : err.message })
        },
      )
    },

    // The next page. New orders may have arrived since the first one (newest first shifts every page),
    // so a row already shown is not shown twice.
    loadMore() {
      const d = this.data
      if (d.loading || d.loadingMore || !d.hasMore) return Promise.resolve()
      const generation = this.generation
      this.setData({ loadingMore: true, moreFailed: false })
      return orders.list(this.page + 1, PAGE_SIZE).then(
        (answer) => {
          if (generation !== this.generation) return
          const shown = {}
          this.data.orders.forEach((o) => (shown[o.orderNo] = true))
          const items = answer.items || []
          const rows = this.data.orders.concat(items.filter((o) => !shown[o.orderNo]).map(rowOf))
          this.page += 1
          this.setData({
            loadingMore: false,
            orders: rows,
            total: answer.total || 0,
            // An empty page ends the list whatever the total says, so the bottom cannot loop.
            hasMore: items.length > 0 && this.page * PAGE_SIZE < (answer.total || 0),
          })
        },
        () => {
          if (generation !== this.generation) return
          this.setData({ loadingMore: false, moreFailed: true })
        },
      )
    },

    // Back from an order's page: only that row is read again. Silent: a lost answer leaves the row as
    // it was, and pull-down still reloads everything.
    refreshRow(no) {
      return orders.get(no, { silent: true }).then(
        (order) => {
          const rows = this.data.orders.map((r) => (r.orderNo === no ? rowOf(order) : r))
          this.setData({ orders: rows })
        },
        () => {},
      )
    },

    // The row and its 去支付 (catchtap, so the row does not navigate a second time) both open the
    // order's page: paying, its checks and the result live there.
    onOpen(e) {
      const no = e && e.currentTarget && e.currentTarget.dataset && e.currentTarget.dataset.no
      if (!no) return
      this.opened = no
      wx.navigateTo({ url: nav.orderPage(no) })
    },
  },
})
