// What the E2E tests do besides driving the pages: the sandbox's side of a purchase, against the
// server named by E2E_BASE_URL or the stub (tests/support/stub-server.js), which offer the same
// sandbox endpoints:
//   - the customer's WeChat login code (/sandbox/wechat/login-codes);
//   - the person at the open cabinet taking products and closing the door (/sandbox/xiaomai/…);
//   - the customer paying in WeChat's payment sheet: a fake wx.requestPayment that pays the prepay id
//     in its `package` (/sandbox/wechatpay/prepay/{prepay_id}/pay), as WeChat would;
//   - staff giving a customer tickets in the admin (the demo operator ops signs in, /api/admin/…).
// Every call fails the test with the sandbox's answer when it is not what the step needs.
const bridge = require('./http-bridge')
const { waitForData } = require('./wait')

const expectOk = (res, what) => {
  if (res.status !== 200) throw new Error(what + ' answered ' + res.status + ': ' + JSON.stringify(res.body))
  return res.body
}

// The next wx.login of the fake gives a sandbox code for this customer.
async function logIn(fake, baseUrl, openid) {
  const login = expectOk(await bridge.postJson(baseUrl, '/sandbox/wechat/login-codes', { openid }), 'login-codes')
  fake.state.loginCodes.push(login.code)
  return login
}

// 409 = no open door: the caller decides whether that matters.
const closeDoor = (baseUrl, device) => bridge.postJson(baseUrl, '/sandbox/xiaomai/devices/' + encodeURIComponent(device) + '/close', {})

// → {device_code, shelf: [{sku_code, barcode, name, unit_price_fen}], taken: [… + quantity]}
async function shelf(baseUrl, device) {
  return expectOk(await bridge.getJson(baseUrl, '/sandbox/xiaomai/devices/' + encodeURIComponent(device) + '/shelf'), 'shelf')
}

// While the door is open; → the shelf with what is taken now.
async function take(baseUrl, device, sku, quantity) {
  const path = '/sandbox/xiaomai/devices/' + encodeURIComponent(device) + '/take?sku=' + encodeURIComponent(sku) + '&quantity=' + quantity
  return expectOk(await bridge.postJson(baseUrl, path, {}), 'take ' + sku + ' × ' + quantity)
}

const cheapest = (items) => items.slice().sort((a, b) => a.unit_price_fen - b.unit_price_fen)[0]
const dearest = (items) => items.slice().sort((a, b) => b.unit_price_fen - a.unit_price_fen)[0]

// fake.state.payment for E2E: the customer pays whatever WeChat's sheet shows. Each sandbox answer
// is kept in `paid` for the test to look at.
function payingCustomer(baseUrl, paid) {
  return async (opts) => {
    const m = /^prepay_id=(.+)$/.exec(opts.package || '')
    if (!m) return { errMsg: 'requestPayment:fail package is not prepay_id=…: ' + opts.package }
    const res = await bridge.postJson(baseUrl, '/sandbox/wechatpay/prepay/' + encodeURIComponent(m[1]) + '/pay', {})
    paid.push(res)
    return res.status === 200 ? {} : { errMsg: 'requestPayment:fail sandbox answered ' + res.status }
  }
}

// The device page already loaded: pick tickets, tap 开门, and → the session number the page
// redirected to. The refusal code in a failure says at once why a leftover state blocks the run.
async function openWithTickets(fake, device, ms) {
  const d = device.instance.data
  expect({ canOpen: d.canOpen, refusalCode: d.refusalCode }).toEqual({ canOpen: true, refusalCode: '' })
  if (d.selectedMethod !== 'Tickets') {
    device.querySelector('#method-Tickets').dispatchEvent('tap')
    await waitForData(device, (x) => x.selectedMethod === 'Tickets')
  }
  const toSession = fake.nextNavigation(ms)
  device.querySelector('#open').dispatchEvent('tap')
  const nav = await toSession
  expect(nav.type).toBe('redirectTo')
  return /sessionNo=([^&]+)/.exec(nav.url)[1]
}

// The demo operator of the embedded default server's demo data (DemoData.Accounts: ops, 运营).
const OPERATOR = { userName: 'ops', password: 'Demo@2026' }
const maskOpenId = (openid) => openid.slice(0, 4) + '****' + openid.slice(-4)

// Staff grant `amount` tickets to the customer with this openid, as in 用户管理: the operator signs in
// (session cookie), finds the customer among the newest (the list masks openids: first 4 + '****' +
// last 4, so the customer must have logged in already and be among the newest 100 — a fresh one is
// the newest, or nearly so when other tests create customers at the same time) and posts the grant.
// → the customer's detail after it ({customer: {id, ticketBalance, …}, ledger, …}).
async function grantTickets(baseUrl, openid, amount, reason) {
  const admin = bridge.cookieClient(baseUrl)
  expectOk(await admin.post('/api/admin/auth/login', OPERATOR), 'staff sign-in as ' + OPERATOR.userName)
  const page = expectOk(await admin.get('/api/admin/customers?pageSize=100'), 'customer list')
  const ids = page.items.map((c) => c.id)
  expect(ids).toEqual(ids.slice().sort((a, b) => b - a)) // newest first
  const mine = page.items.filter((c) => c.maskedOpenId === maskOpenId(openid))
  if (mine.length !== 1) throw new Error(mine.length + ' of the newest customers match ' + maskOpenId(openid) + ': ' + JSON.stringify(page.items.slice(0, 5)))
  return expectOk(await admin.post('/api/admin/customers/' + mine[0].id + '/tickets', { amount, reason }), 'grant ' + amount + ' tickets')
}

module.exports = { logIn, closeDoor, shelf, take, cheapest, dearest, payingCustomer, openWithTickets, grantTickets, expectOk }
