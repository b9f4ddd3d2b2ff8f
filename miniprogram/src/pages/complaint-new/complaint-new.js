// 投诉 (options.orderNo): the type, a description (1–500 characters) and up to 4 photos, filed on one
// of the customer's orders (docs/integrations/miniprogram-complaints.md). Each photo is uploaded as
// soon as it is chosen, so filing only sends the photo ids; a photo shows its own state (上传中 /
// the failure, with 重试 when asking again can help / done) and can be removed. Filed, the page is
// replaced by the complaint's. Component() page like the others.
const complaints = require('../../services/complaints')
const media = require('../../utils/media')
const polling = require('../../utils/polling')
const nav = require('../../utils/nav')

const NO_RE = /^[A-Za-z0-9_-]{1,64}$/
const MSG_BAD_NO = '找不到该订单'
const MSG_SUBMITTED = '提交成功'
const MSG_CHOOSE_FAILED = '无法选择图片，请检查相册和相机权限'
const HINT_TYPE = '请选择投诉类型'
const HINT_DESCRIPTION = '请填写问题描述'
const HINT_TOO_LONG = '问题描述不能超过 ' + complaints.MAX_TEXT + ' 字'
const HINT_UPLOADING = '图片上传中，请稍候'
const HINT_FAILED = '请重试或删除上传失败的图片'

// Why the form cannot be sent yet ('' = it can). Photos must all be uploaded: a complaint filed
// while one is still on its way would silently go without it.
function hintOf(d) {
  const length = d.description.trim().length
  if (!d.type) return HINT_TYPE
  if (length === 0) return HINT_DESCRIPTION
  if (length > complaints.MAX_TEXT) return HINT_TOO_LONG
  if (d.photos.some((p) => p.status === 'uploading')) return HINT_UPLOADING
  if (d.photos.some((p) => p.status === 'failed')) return HINT_FAILED
  return ''
}

Component({
  data: {
    orderNo: '',
    loadError: '',
    types: complaints.TYPES,
    maxText: complaints.MAX_TEXT,
    maxPhotos: complaints.MAX_PHOTOS,
    type: '',
    description: '',
    descriptionLength: 0,
    // {key, path, status: 'uploading' | 'failed' | 'done', photoId, message, canRetry}
    photos: [],
    canAdd: true,
    hint: HINT_TYPE,
    canSubmit: false,
    submitting: false,
    submitError: '', // the server's refusal, kept on the page (the toast goes away)
    openComplaint: false, // 409 complaint-open: offer 我的投诉, where the open one is
  },

  lifetimes: {
    detached() {
      this.onUnload()
    },
  },

  methods: {
    onLoad(query) {
      const no = query && typeof query.orderNo === 'string' ? query.orderNo.trim() : ''
      this.unloaded = false
      // One complaint per tap: stubbed buttons ignore `disabled`, and the first answer may take a
      // moment. Set until the page is left on success, so nothing is filed twice.
      this.submitting = false
      this.choosing = false // one picker at a time
      this.photoSeq = 0
      if (!NO_RE.test(no)) {
        this.setData({ loadError: MSG_BAD_NO })
        return Promise.resolve()
      }
      this.setData({ orderNo: no })
      return Promise.resolve()
    },

    onUnload() {
      this.unloaded = true
    },

    onBack() {
      nav.goBack()
    },

    // Every change goes through here so the counter, the hint and the button never disagree.
    update(patch) {
      if (this.unloaded) return
      const next = Object.assign({}, this.data, patch)
      const hint = hintOf(next)
      this.setData(
        Object.assign({}, patch, {
          descriptionLength: next.description.length,
          canAdd: next.photos.length < complaints.MAX_PHOTOS,
          hint: hint,
          canSubmit: hint === '' && !next.submitting,
        }),
      )
    },

    onTypeTap(e) {
      const code = e && e.currentTarget && e.currentTarget.dataset && e.currentTarget.dataset.code
      if (!complaints.TYPES.some((t) => t.code === code)) return
      this.update({ type: code })
    },

    onDescriptionInput(e) {
      const value = e && e.detail && typeof e.detail.value === 'string' ? e.detail.value : ''
      this.update({ description: value })
    },

    // Photos are uploaded one by one right after choosing, in parallel; the picker is asked for no
    // more than the free places (and what it gives beyond them is dropped).
    onAddPhoto() {
      const free = complaints.MAX_PHOTOS - this.data.photos.length
      if (this.choosing || this.unloaded || free <= 0) return Promise.resolve()
      this.choosing = true
      return media.chooseImages(free).then((r) => {
        this.choosing = false
        if (this.unloaded) return
        if (!r.ok) {
          if (!r.cancelled) wx.showToast({ title: MSG_CHOOSE_FAILED, icon: 'none', duration: 2500 })
          return
        }
        const room = complaints.MAX_PHOTOS - this.data.photos.length
        const added = r.paths.slice(0, Math.max(0, room)).map((path) => ({
          key: 'p' + ++this.photoSeq,
          path: path,
          status: 'uploading',
          photoId: '',
          message: '',
          canRetry: false,
        }))
        if (!added.length) return
        this.update({ photos: this.data.photos.concat(added) })
        return Promise.all(added.map((p) => this.upload(p.key)))
      })
    },

    // Silent: the message belongs to the photo it is about (several may fail at once), so it is
    // shown there instead of as a toast. A refused photo (wrong type, too large) would be refused
    // again, so only a failure worth asking again (no answer, server trouble) gets 重试.
    upload(key) {
      const photo = this.photoOf(key)
      if (!photo) return Promise.resolve()
      return complaints.uploadPhoto(photo.path, { silent: true }).then(
        (answer) => this.changePhoto(key, { status: 'done', photoId: answer.photoId, message: '', canRetry: false }),
        (err) => this.changePhoto(key, { status: 'failed', photoId: '', message: err.message, canRetry: polling.retryable(err) }),
      )
    },

    onRetryPhoto(e) {
      const key = this.keyOf(e)
      const photo = this.photoOf(key)
      if (!photo || photo.status !== 'failed' || !photo.canRetry) return Promise.resolve()
      this.changePhoto(key, { status: 'uploading', message: '', canRetry: false })
      return this.upload(key)
    },

    // A photo removed while uploading: its answer finds no photo and is dropped (changePhoto); the
    // server deletes unused photos after a day.
    onRemovePhoto(e) {
      if (this.submitting) return
      const key = this.keyOf(e)
      this.update({ photos: this.data.photos.filter((p) => p.key !== key) })
    },

    onPreviewPhoto(e) {
      const photo = this.photoOf(this.keyOf(e))
      if (!photo) return
      wx.previewImage({ current: photo.path, urls: this.data.photos.map((p) => p.path) })
    },

    changePhoto(key, patch) {
      if (this.unloaded || !this.photoOf(key)) return
      this.update({ photos: this.data.photos.map((p) => (p.key === key ? Object.assign({}, p, patch) : p)) })
    },

    photoOf(key) {
      return this.data.photos.find((p) => p.key === key) || null
    },

    keyOf(e) {
      return (e && e.currentTarget && e.currentTarget.dataset && e.currentTarget.dataset.key) || ''
    },

    // api.js has toasted a refusal; it also stays on the page. 409 complaint-open: this order already
    // has an open complaint, which 我的投诉 lists.
    onSubmit() {
      const d = this.data
      if (this.submitting || this.unloaded || !d.orderNo || hintOf(d) !== '') return Promise.resolve()
      this.submitting = true
      this.update({ submitting: true, submitError: '', openComplaint: false })
      const form = {
        orderNo: d.orderNo,
        type: d.type,
        description: d.description.trim(),
        photoIds: d.photos.map((p) => p.photoId),
      }
      return complaints.create(form).then(
        (complaint) => {
          if (this.unloaded) return
          wx.showToast({ title: MSG_SUBMITTED, icon: 'success' })
          // redirectTo: back from the complaint leads to the order, not to a form already sent.
          wx.redirectTo({ url: nav.complaintPage(complaint.complaintNo) })
        },
        (err) => {
          this.submitting = false
          this.update({
            submitting: false,
            submitError: err.status ? err.message : '', // no answer: the toast says so, try again
            openComplaint: err.status === 409,
          })
        },
      )
    },

    onOpenComplaints() {
      wx.navigateTo({ url: nav.COMPLAINTS })
    },
  },
})
