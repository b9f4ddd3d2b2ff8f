// E2E: 开通微信支付分 then 开门 with Pay Score, with the REAL page code over real HTTP. A new
// customer (no tickets, never authorised) opens the device page of SZ002-D01: the precheck offers
// Pay Score only after authorisation. 开通微信支付分 asks the server for a token and calls
// wx.openBusinessView, which this test fakes as WeChat's page would behave: the customer agrees
// (the sandbox authorize endpoint with the token from extraData; WeChat then notifies the server)
// and the page reports success. The page asks the server to refresh, prechecks again and offers
// Pay Score; 开门 creates the service order, the door opens, the sandbox closes it with nothing
// taken: the session settles without an order (本次未购买商品，未扣款).
//
// With E2E_BASE_URL set (e.g. the embedded default server, http://127.0.0.1:5080) it runs against
// that server and its WeChat Pay and Xiaomai simulators; without it, against the contract stub in
// tests/support/stub-server.js. A new customer per run, so it runs repeatedly on a persistent
// server; if a run fails with the door still open, afterAll closes it.
const { loadPage, renderPage, text, queryOf } = require('../support/pages') // sets global.wx stubs
const { createFakeWx } = require('../support/fake-wx')
const { waitForData } = require('../support/wait')
const bridge = require('../support/http-bridge')
const { openIdFor } = require('../support/stub-server')
const { useE2eTarget } = require('../support/e2e-target')
const shop = require('../support/e2e-shop')

const DEVICE = 'SZ002-D01'
// Generous deadlines: they only matter when something is broken (the real simulator pulls the
// door about 1 s after the open).
const DOOR_MS = 10000

const fake = createFakeWx()
Object.assign(global.wx, fake.api)
const deviceId = loadPage('pages/device/device')
const sessionId = loadPage('pages/session/session')

let target = null
let baseUrl
let doorMayBeOpen = false
let sessionPage = null
// Every wx.request of the pages, in order, as "METHOD /path".
let calls = []
const recordingRequest = (opts) => {
  calls.push((opts.method || 'GET') + ' ' + opts.url.slice(baseUrl.length))
  return bridge.request(opts)
}

const closeDoor = () => shop.closeDoor(baseUrl, DEVICE)

beforeAll(async () => {
  target = await useE2eTarget()
  baseUrl = target.baseUrl
})

afterAll(async () => {
  if (sessionPage) sessionPage.instance.onUnload()
  // 409 = no open door = nothing to do.
  if (doorMayBeOpen) await closeDoor().catch(() => {})
  if (target) await target.close()
})

beforeEach(() => {
  fake.reset()
  calls = []
  global.wx.request = recordingRequest
})

const toastTitles = () => fake.state.toasts.map((t) => t.title)

// A customer the server has never seen: 28 characters, "o" + [A-Za-z0-9_-], like WeChat's openids.
const newOpenid = () => openIdFor('e2e-payscore-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10))

describe('Pay Score open E2E (' + (process.env.E2E_BASE_URL ? 'E2E_BASE_URL' : 'stub server') + ')', () => {
  test('new customer → 开通微信支付分 (WeChat’s page agrees) → Pay Score offered → 开门 → door opened → closed, nothing taken', async () => {
    const openid = newOpenid()
    expect(openid).toMatch(/^o[A-Za-z0-9_-]{27}$/)
    const login = await bridge.postJson(baseUrl, '/sandbox/wechat/login-codes', { openid })
    expect(login.status).toBe(200)
    fake.state.loginCodes.push(login.body.code)

    // WeChat's authorisation page: the customer agrees with the token the page was opened with.
    const agreed = []
    fake.state.businessView = async (opts) => {
      const token = opts.extraData && opts.extraData.apply_permissions_token
      const res = await bridge.postJson(baseUrl, '/sandbox/wechatpay/users/' + encodeURIComponent(openid) + '/authorize?token=' + encodeURIComponent(token), {})
      agreed.push(res)
      return res.status === 200 ? {} : { errMsg: 'openBusinessView:fail sandbox answered ' + res.status }
    }

    // 1. The precheck: no tickets, Pay Score needs authorisation → 开通微信支付分.
    const device = renderPage(deviceId)
    await device.instance.onLoad({ deviceCode: DEVICE })
    let d = device.instance.data
    // The refusal code says at once why a leftover state (e.g. device-busy) blocks the run.
    expect({ refusalCode: d.refusalCode, payScoreAuthorizable: d.payScoreAuthorizable }).toEqual({
      refusalCode: 'no-payment-method',
      payScoreAuthorizable: true,
    })
    expect(d.device).toMatchObject({ deviceCode: DEVICE, storeCode: 'SZ002' })
    expect(d.methods.find((m) => m.method === 'PayScore')).toMatchObject({
      available: false,
      needsAuthorization: true,
      reasonCode: 'payscore-unauthorized',
      choosable: false,
    })
    expect(text(device, '#method-PayScore')).toContain('请先开通微信支付分（免押金，先用后付）')
    expect(text(device, '#authorize-payscore')).toBe('开通微信支付分')
    expect(device.querySelector('#open')).toBeUndefined()

    // 2. 开通微信支付分: token → WeChat's page → back: refresh, precheck again, Pay Score chosen.
    calls = []
    device.querySelector('#authorize-payscore').dispatchEvent('tap')
    d = await waitForData(device, (x) => x.selectedMethod === 'PayScore' && !x.authorizing, DOOR_MS)
    expect(fake.state.businessViews).toEqual([
      { businessType: 'wxpayScoreEnable', extraData: { apply_permissions_token: expect.stringMatching(/\S/) } },
    ])
    expect(agreed.map((r) => [r.status, r.body && r.body.state])).toEqual([[200, 'AVAILABLE']])
    expect(calls).toEqual(['POST /api/mp/payscore/authorization', 'POST /api/mp/payscore/authorization/refresh', 'POST /api/mp/precheck'])
    expect({ canOpen: d.canOpen, refusalCode: d.refusalCode, payScoreAuthorizable: d.payScoreAuthorizable }).toEqual({
      canOpen: true,
      refusalCode: '',
      payScoreAuthorizable: false,
    })
    expect(d.methods.find((m) => m.method === 'PayScore')).toMatchObject({ available: true, needsAuthorization: false, choosable: true })
    expect(device.querySelector('#authorize-payscore')).toBeUndefined()
    expect(text(device, '#method-PayScore')).toBe('微信支付分 ✓')
    expect(text(device, '#open')).toBe('开门（微信支付分）')

    // 3. 开门 with Pay Score: the server puts the service order in force, then opens the door.
    const toSession = fake.nextNavigation(DOOR_MS)
    device.querySelector('#open').dispatchEvent('tap')
    const sessionNav = await toSession
    doorMayBeOpen = true
    expect(sessionNav.type).toBe('redirectTo')
    const { sessionNo } = queryOf(sessionNav.url)

    // 4. The session page follows the door by itself.
    sessionPage = renderPage(sessionId)
    await sessionPage.instance.onLoad({ sessionNo })
    // A failure (e.g. PAYSCORE_NOT_IN_FORCE) would stop here with its reason in the message.
    expect({ status: sessionPage.instance.data.status, failure: sessionPage.instance.data.failureMessage }).toMatchObject({
      status: expect.stringMatching(/^(Created|Opening|Opened)$/),
      failure: '',
    })
    await waitForData(sessionPage, (s) => s.status === 'Opened', DOOR_MS)
    expect(text(sessionPage, '#status')).toBe('门已打开，请取商品')
    expect(text(sessionPage, '#payment')).toBe('支付方式：微信支付分')
    expect(text(sessionPage, '#device-code')).toBe('柜子：' + DEVICE)

    // 5. The customer closes the door without taking anything (sandbox); the vendor's empty order
    // settles the session without an order, and the page stops polling.
    const closed = await closeDoor()
    expect(closed.status).toBe(200)
    await waitForData(sessionPage, (s) => s.status === 'Settled', DOOR_MS)
    doorMayBeOpen = false
    expect(text(sessionPage, '#status')).toBe('已结算')
    expect(text(sessionPage, '#no-purchase')).toBe('本次未购买商品，未扣款')
    expect(sessionPage.querySelector('#view-order')).toBeUndefined()
    expect(sessionPage.instance.timer).toBeNull()
    expect(toastTitles()).toEqual([])
  })
})
