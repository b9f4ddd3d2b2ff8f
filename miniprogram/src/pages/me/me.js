// 我的: phone binding, ticket balance, and the ways to 我的订单 and 我的投诉. Component() page for the
// same reason as the home page (miniprogram-simulate cannot load Page()).
const auth = require('../../services/auth')
const nav = require('../../utils/nav')

const MSG_PHONE_REFUSED = '需要授权手机号才能继续'

Component({
  data: {
    loaded: false,
    loadFailed: false,
    phoneBound: false,
    maskedPhone: '',
    ticketBalance: 0,
    binding: false,
  },

  methods: {
    onLoad() {
      return this.refresh()
    },

    onPullDownRefresh() {
      return this.refresh().then(() => wx.stopPullDownRefresh())
    },

    // Errors were already shown as a toast by services/api.js; here we only keep the page usable.
    refresh() {
      return auth
        .ensureLogin()
        .then(() => auth.me())
        .then((customer) => this.showCustomer(customer))
        .catch(() => this.setData({ loaded: true, loadFailed: true }))
    },

    showCustomer(customer) {
      this.setData({
        loaded: true,
        loadFailed: false,
        phoneBound: !!customer.phoneBound,
        maskedPhone: customer.maskedPhone || '',
        ticketBalance: customer.ticketBalance || 0,
      })
    },

    // bindgetphonenumber: e.detail.code is present only when the user allowed it (single use,
    // 5 minutes; miniprogram-login.md §3.1). Refusal gives errMsg "…:fail user deny" and no code.
    onGetPhone(e) {
      const code = e && e.detail && e.detail.code
      if (!code) {
        wx.showToast({ title: MSG_PHONE_REFUSED, icon: 'none', duration: 2500 })
        return Promise.resolve()
      }
      // Stubbed buttons do not honour `disabled`; a second tap would burn a second paid code.
      if (this.data.binding) return Promise.resolve()
      this.setData({ binding: true })
      return auth
        .bindPhone(code)
        .then((customer) => {
          this.showCustomer(customer)
          this.setData({ binding: false })
          wx.showToast({ title: '绑定成功', icon: 'success' })
        })
        .catch(() => this.setData({ binding: false }))
    },

    // 我的订单 works without the customer summary (it logs in by itself), so it is never held back.
    onOrders() {
      wx.navigateTo({ url: nav.ORDERS })
    },

    // 我的投诉 likewise logs in by itself.
    onComplaints() {
      wx.navigateTo({ url: nav.COMPLAINTS })
    },
  },
})
