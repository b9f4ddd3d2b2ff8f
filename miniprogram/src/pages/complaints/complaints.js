// 我的投诉: the customer's complaints, newest first, PAGE_SIZE at a time (more on reaching the bottom,
// the first page again on pull-down), the way 我的订单 lists orders. A row opens the complaint; back
// from it, that one row is read again (a reply may have been added, or staff closed it meanwhile).
// Labels are the server's (typeLabel, statusLabel). Component() page like the others.
const complaints = require('../../services/complaints')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

const PAGE_SIZE = 20

function rowOf(c) {
  return {
    complaintNo: c.complaintNo,
    orderNo: c.orderNo || '',
    typeLabel: c.typeLabel || '',
    status: c.status || '',
    statusLabel: c.statusLabel || '',
    description: c.description || '',
    timeText: format.beijingTime(c.createdAt),
    replyCount: Number(c.replyCount) || 0,
  }
}

// The detail has the replies themselves; the row counts them as the list does.
function rowOfDetail(c) {
  return rowOf(Object.assign({}, c, { replyCount: (c.replies || []).length }))
}

Component({
  data: {
    complaints: [], // rowOf(...)
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
      this.opened = '' // the complaint whose page was opened from here
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

    // The first page, replacing whatever is shown. A failure over a shown list is only api.js's toast.
    reload() {
      const generation = ++this.generation
      this.setData({ loadError: '', loadingMore: false, moreFailed: false })
      return complaints.list(1, PAGE_SIZE).then(
        (answer) => {
          if (generation !== this.generation) return
          const rows = (answer.items || []).map(rowOf)
          this.page = 1
          this.setData({
            loading: false,
            complaints: rows,
            total: answer.total || 0,
            hasMore: rows.length > 0 && PAGE_SIZE < (answer.total || 0),
          })
        },
        (err) => {
          if (generation !== this.generation) return
          this.setData({ loading: false, loadError: this.data.complaints.length ? '' : err.message })
        },
      )
    },

    // The next page. A complaint filed meanwhile shifts every page (newest first), so a row already
    // shown is not shown twice.
    loadMore() {
      const d = this.data
      if (d.loading || d.loadingMore || !d.hasMore) return Promise.resolve()
      const generation = this.generation
      this.setData({ loadingMore: true, moreFailed: false })
      return complaints.list(this.page + 1, PAGE_SIZE).then(
        (answer) => {
          if (generation !== this.generation) return
          const shown = {}
          this.data.complaints.forEach((c) => (shown[c.complaintNo] = true))
          const items = answer.items || []
          const rows = this.data.complaints.concat(items.filter((c) => !shown[c.complaintNo]).map(rowOf))
          this.page += 1
          this.setData({
            loadingMore: false,
            complaints: rows,
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

    // Silent: a lost answer leaves the row as it was; pull-down still reloads everything.
    refreshRow(no) {
      return complaints.get(no, { silent: true }).then(
        (complaint) => {
          const rows = this.data.complaints.map((r) => (r.complaintNo === no ? rowOfDetail(complaint) : r))
          this.setData({ complaints: rows })
        },
        () => {},
      )
    },

    onOpen(e) {
      const no = e && e.currentTarget && e.currentTarget.dataset && e.currentTarget.dataset.no
      if (!no) return
      this.opened = no
      wx.navigateTo({ url: nav.complaintPage(no) })
    },
  },
})
