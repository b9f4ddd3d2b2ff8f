// E2E: the 我的 page against a server over real HTTP. With E2E_BASE_URL set (e.g. the embedded
// default server, http://127.0.0.1:5080) it runs against that server and its sandbox WeChat
// simulator; without it, against the contract stub in tests/support/stub-server.js, so this
// test always runs. Only wx.login / wx.showToast / storage are faked; wx.request is a real
// node:http bridge with WeChat's semantics.
const { loadPage, renderPage, text } = require('../support/pages') // sets global.wx stubs
const { createFakeWx } = require('../support/fake-wx')
const { waitForData } = require('../support/wait')
const bridge = require('../support/http-bridge')
const { useE2eTarget } = require('../support/e2e-target')
const auth = require('../../src/services/auth')
const session = require('../../src/services/session')

const PHONE = '13800000000'
const MASKED = '138****0000'
const CHINESE = /[\u4e00-\u9fff]/

const fake = createFakeWx()
Object.assign(global.wx, fake.api, { request: bridge.request })
const pageId = loadPage('pages/me/me')

let target = null
let baseUrl

async function mint(path, payload) {
  const res = await bridge.postJson(baseUrl, path, payload)
  if (res.status !== 200 || !res.body || !res.body.code) {
    throw new Error(`sandbox ${path} answered ${res.status}: ${JSON.stringify(res.body)}`)
  }
  return res.body
}

// A fresh customer per run, so a persistent server does not already have the phone bound.
const freshOpenid = () => 'e2e-mp-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 8)

beforeAll(async () => {
  target = await useE2eTarget()
  baseUrl = target.baseUrl
})

afterAll(async () => {
  if (target) await target.close()
})

beforeEach(() => {
  fake.reset()
  // The unit fakes never replace the bridge, but a stray assignment must not turn E2E into a fake.
  global.wx.request = bridge.request
})

const toastTitles = () => fake.state.toasts.map((t) => t.title)

describe('me page E2E (' + (process.env.E2E_BASE_URL ? 'E2E_BASE_URL' : 'stub server') + ')', () => {
  test('logs in with a WeChat code, binds the phone and shows it masked; a reused phone code is a problem toast', async () => {
    const login = await mint('/sandbox/wechat/login-codes', { openid: freshOpenid() })
    const phone = await mint('/sandbox/wechat/phone-codes', { phone: PHONE })
    fake.state.loginCodes.push(login.code)

    const page = renderPage(pageId)
    await page.instance.onLoad({})

    expect(toastTitles()).toEqual([])
    expect(fake.state.loginCalls).toBe(1)
    expect(session.getToken()).not.toBe('')
    expect(page.instance.data).toMatchObject({ loaded: true, loadFailed: false, phoneBound: false })
    expect(text(page, '#bind-phone')).toBe('绑定手机号')
    expect(text(page, '#ticket-balance')).toMatch(/^\d+$/)

    page.querySelector('#bind-phone').dispatchEvent('getphonenumber', { detail: { code: phone.code, errMsg: 'getPhoneNumber:ok' } })
    await waitForData(page, (d) => d.phoneBound && !d.binding)

    expect(text(page, '#phone')).toBe(MASKED)
    expect(page.querySelector('#bind-phone')).toBeUndefined()

    // The same phone code again: single use, so the server answers 400/422 problem+json and
    // api.js turns it into a toast with the problem's (Chinese) message.
    fake.state.toasts.length = 0
    const err = await auth.bindPhone(phone.code).catch((e) => e)
    expect(err).toBeInstanceOf(Error)
    expect([400, 422]).toContain(err.status)
    expect(err.problem).toEqual(expect.objectContaining({ title: expect.any(String) }))
    expect(toastTitles()).toHaveLength(1)
    expect(toastTitles()[0]).toBe(err.message)
    expect(toastTitles()[0]).toMatch(CHINESE)

    // The binding is stored server-side: a fresh render of the page reads it back.
    const again = renderPage(pageId)
    await again.instance.onLoad({})
    expect(text(again, '#phone')).toBe(MASKED)
    expect(fake.state.loginCalls).toBe(1) // token reused, no second wx.login
  })

  test('a used login code is refused with the wechat-login-failed problem toast', async () => {
    const login = await mint('/sandbox/wechat/login-codes', { openid: freshOpenid() })
    fake.state.loginCodes.push(login.code, login.code)

    await auth.login()
    fake.state.toasts.length = 0
    session.clear()

    const err = await auth.login().catch((e) => e)
    expect(err.status).toBe(401)
    expect(err.problem.type).toMatch(/wechat-login-failed$/)
    expect(toastTitles()).toEqual(['微信登录失败，请重试'])
    expect(session.getToken()).toBe('')
  })
})
