// 投诉详情 (options.complaintNo): its status and type, the order it is about (tap → the order), what the
// customer wrote with the photos (tap → full screen), the deadline while open, the staff's closing
// words, the replies (staff and customer apart), and while it is open (待处理 / 处理中) a reply box.
// Every answer replaces the whole view: photo urls are signed for a limited time, so only the latest
// answer's are used (docs/integrations/miniprogram-complaints.md §Photos). Component() page.
const complaints = require('../../services/complaints')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

const NO_RE = /^[A-Za-z0-9_-]{1,64}$/
const MSG_BAD_NO = '找不到该投诉'
const MSG_SENT = '已发送'
const FROM_LABELS = { Staff: '客服', Customer: '我' }
const RESOLUTION_TITLES = { Resolved: '处理结果', Rejected: '驳回原因' }

function viewOf(c) {
  const open = complaints.isOpen(c.status)
  return {
    complaintNo: c.complaintNo,
    orderNo: c.orderNo || '',
    typeLabel: c.typeLabel || '',
    status: c.status || '',
    statusLabel: c.statusLabel || '',
    description: c.description || '',
    photos: (c.photos || [])
      .map((p, i) => ({ key: p.photoId || String(i), src: complaints.photoSrc(p.url) }))
      .filter((p) => p.src),
    timeText: format.beijingTime(c.createdAt),
    // The time staff are expected to have handled it by: only worth showing while it is open.
    deadlineText: open && c.deadline ? format.beijingTime(c.deadline) : '',
    resolvedText: c.resolvedAt ? format.beijingTime(c.resolvedAt) : '',
    resolutionTitle: RESOLUTION_TITLES[c.status] || '处理说明',
    resolution: c.resolution || '',
    replies: (c.replies || []).map((r, i) => ({
      key: i,
      from: r.from === 'Staff' ? 'Staff' : 'Customer',
      fromLabel: FROM_LABELS[r.from] || FROM_LABELS.Customer,
      text: r.text || '',
      timeText: format.beijingTime(r.at),
    })),
    open: open,
  }
}

function replyHint(text) {
  const length = text.trim().length
  if (length === 0) return ''
  return length > complaints.MAX_TEXT ? '回复不能超过 ' + complaints.MAX_TEXT + ' 字' : ''
}

Component({
  data: {
    complaintNo: '',
    loading: true,
    loadError: '',
    complaint: null, // viewOf(answer)
    maxText: complaints.MAX_TEXT,
    replyText: '',
    replyLength: 0,
    replyHint: '',
    canSend: false,
    sending: false,
  },

  lifetimes: {
    detached() {
      this.onUnload()
    },
  },

  methods: {
    onLoad(query) {
      const no = query && typeof query.complaintNo === 'string' ? query.complaintNo.trim() : ''
      this.unloaded = false
      this.sending = false // one reply per tap: stubbed buttons ignore `disabled`
      this.imagesReread = false
      if (!NO_RE.test(no)) {
        this.setData({ loading: false, loadError: MSG_BAD_NO })
        return Promise.resolve()
      }
      this.setData({ complaintNo: no })
      return this.load()
    },

    onUnload() {
      this.unloaded = true
    },

    onPullDownRefresh() {
      this.imagesReread = false
      return this.load().then(() => wx.stopPullDownRefresh())
    },

    onRetry() {
      return this.load()
    },

    onBack() {
      nav.goBack()
    },

    // A failure has been a toast (api.js, unless silent); it replaces the page only when nothing is
    // shown yet.
    load(options) {
      if (!this.data.complaintNo) return Promise.resolve()
      return complaints.get(this.data.complaintNo, options).then(
        (complaint) => this.show(complaint),
        (err) => {
          if (!this.unloaded && !this.data.complaint) this.setData({ loading: false, loadError: err.message })
        },
      )
    },

    show(complaint) {
      if (this.unloaded) return
      this.setData({ loading: false, loadError: '', complaint: viewOf(complaint) })
    },

    onOpenOrder() {
      const c = this.data.complaint
      if (c && c.orderNo) wx.navigateTo({ url: nav.orderPage(c.orderNo) })
    },

    onPreview(e) {
      const c = this.data.complaint
      const index = Number(e && e.currentTarget && e.currentTarget.dataset && e.currentTarget.dataset.index)
      if (!c || !c.photos[index]) return
      wx.previewImage({ current: c.photos[index].src, urls: c.photos.map((p) => p.src) })
    },

    // A photo that does not load has most likely outlived its signature (the page stayed open): read
    // the complaint again for fresh urls, once per visit so a photo that is really gone cannot loop.
    onImageError() {
      if (this.imagesReread || this.unloaded) return Promise.resolve()
      this.imagesReread = true
      return this.load({ silent: true })
    },

    onReplyInput(e) {
      const value = e && e.detail && typeof e.detail.value === 'string' ? e.detail.value : ''
      this.setReply(value)
    },

    setReply(value) {
      const length = value.trim().length
      this.setData({
        replyText: value,
        replyLength: value.length,
        replyHint: replyHint(value),
        canSend: length > 0 && length <= complaints.MAX_TEXT && !this.sending,
      })
    },

    // The answer is the complaint with the reply added: it replaces the view. 409 complaint-closed:
    // staff closed it meanwhile (api.js has shown why); show it as it is now, without the box.
    onSendReply() {
      const c = this.data.complaint
      const text = this.data.replyText.trim()
      if (this.sending || this.unloaded || !c || !c.open || !text || text.length > complaints.MAX_TEXT) return Promise.resolve()
      this.sending = true
      this.setData({ sending: true, canSend: false })
      return complaints
        .reply(c.complaintNo, text)
        .then(
          (complaint) => {
            if (this.unloaded) return
            this.show(complaint)
            this.sending = false
            this.setReply('')
            wx.showToast({ title: MSG_SENT, icon: 'success' })
          },
          (err) => {
            this.sending = false
            if (this.unloaded) return
            this.setReply(this.data.replyText) // kept, so nothing typed is lost
            if (err && err.status === 409) return this.load({ silent: true })
          },
        )
        .then(() => {
          if (!this.unloaded) this.setData({ sending: false })
        })
    },
  },
})
