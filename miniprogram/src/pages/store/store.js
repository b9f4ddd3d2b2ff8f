// 门店: the page a store QR code leads to (options.storeCode). Lists the store's cabinets with
// the server's state label; an available one leads to the device page (precheck happens there,
// the list is only a guide and may be a few seconds old). Component() page like the others.
const doors = require('../../services/doors')
const nav = require('../../utils/nav')

const CODE_RE = /^[A-Za-z0-9_-]{1,50}$/
const MSG_BAD_CODE = '门店编号无效，请重新扫码'
const MSG_UNAVAILABLE = '该柜子暂时无法使用，请选择其他柜子'

Component({
  data: {
    storeCode: '',
    loading: true,
    loadFailed: false,
    loadError: '',
    storeName: '',
    address: '',
    cabinets: [], // [{deviceCode, available, stateLabel}]
  },

  methods: {
    onLoad(query) {
      const code = query && typeof query.storeCode === 'string' ? query.storeCode.trim() : ''
      if (!CODE_RE.test(code)) {
        this.setData({ loading: false, loadFailed: true, loadError: MSG_BAD_CODE })
        return Promise.resolve()
      }
      this.setData({ storeCode: code })
      return this.refresh()
    },

    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },

    // Errors (e.g. 404 找不到该门店) were already a toast from services/api.js.
    refresh() {
      if (!this.data.storeCode) return Promise.resolve()
      this.setData({ loading: true })
      return doors
        .storeCabinets(this.data.storeCode)
        .then((store) =>
          this.setData({
            loading: false,
            loadFailed: false,
            loadError: '',
            storeName: store.storeName || '',
            address: store.address || '',
            cabinets: (store.cabinets || []).map((c) => ({
              deviceCode: c.deviceCode,
              available: c.available === true,
              stateLabel: c.stateLabel || '',
            })),
          }),
        )
        .catch((err) => this.setData({ loading: false, loadFailed: true, loadError: err.message }))
    },

    onChooseCabinet(e) {
      const code = e && e.currentTarget && e.currentTarget.dataset && e.currentTarget.dataset.code
      const cabinet = this.data.cabinets.filter((c) => c.deviceCode === code)[0]
      if (!cabinet) return
      if (!cabinet.available) {
        wx.showToast({ title: MSG_UNAVAILABLE, icon: 'none', duration: 2500 })
        return
      }
      wx.navigateTo({ url: nav.devicePage(cabinet.deviceCode) })
    },

    onRetry() {
      return this.refresh()
    },

    onBack() {
      nav.goBack()
    },
  },
})
