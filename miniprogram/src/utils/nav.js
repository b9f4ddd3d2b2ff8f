// Page addresses and the few navigations several pages share. Codes go through
// encodeURIComponent although our codes are [A-Za-z0-9_-]: a page may be opened from a link we
// did not print, and a stray '&' must not add a query field.
const HOME = '/pages/index/index'

// method (optional): the way to pay the device page should pick when it is available, e.g.
// 'Tickets' when the session page sends the customer back after Pay Score refused the order.
function devicePage(deviceCode, method) {
  const url = '/pages/device/device?deviceCode=' + encodeURIComponent(deviceCode)
  return method ? url + '&method=' + encodeURIComponent(method) : url
}

function storePage(storeCode) {
  return '/pages/store/store?storeCode=' + encodeURIComponent(storeCode)
}

function sessionPage(sessionNo) {
  return '/pages/session/session?sessionNo=' + encodeURIComponent(sessionNo)
}

const ORDERS = '/pages/orders/orders'

function orderPage(orderNo) {
  return '/pages/order/order?orderNo=' + encodeURIComponent(orderNo)
}

const COMPLAINTS = '/pages/complaints/complaints'

function complaintPage(complaintNo) {
  return '/pages/complaint/complaint?complaintNo=' + encodeURIComponent(complaintNo)
}

function complaintNewPage(orderNo) {
  return '/pages/complaint-new/complaint-new?orderNo=' + encodeURIComponent(orderNo)
}

// entry = qrcode.parseEntryUrl(...) result: { type: 'device' | 'store', code }.
function entryPage(entry) {
  return entry.type === 'store' ? storePage(entry.code) : devicePage(entry.code)
}

// The home page is a tab: only switchTab reaches it (navigateTo/redirectTo fail on tab pages).
function goHome() {
  wx.switchTab({ url: HOME })
}

// A page opened straight from a QR code or a share has nothing to go back to; navigateBack
// then fails and the customer would be stuck, so fall back to the home tab.
function goBack() {
  wx.navigateBack({ delta: 1, fail: goHome })
}

module.exports = {
  HOME: HOME,
  devicePage: devicePage,
  storePage: storePage,
  sessionPage: sessionPage,
  ORDERS: ORDERS,
  orderPage: orderPage,
  COMPLAINTS: COMPLAINTS,
  complaintPage: complaintPage,
  complaintNewPage: complaintNewPage,
  entryPage: entryPage,
  goHome: goHome,
  goBack: goBack,
}
