const { loadPage, renderPage, text } = require('../support/pages') // sets global.wx stubs
const { createFakeWx, json, problem } = require('../support/fake-wx')
const { waitForData } = require('../support/wait')
const config = require('../../src/config')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00Z'

// A tiny in-test server: login always works; /me and /me/phone answer from `customer`.
let customer
let phoneAnswer
const route = (req) => {
  const path = req.url.slice(BASE.length)
  if (path === '/api/mp/auth/login') return json(200, { token: 'tok', expiresAt: LATER, customer })
  if (req.header.Authorization !== 'Bearer tok') return problem(401, { title: '请先登录' })
  if (path === '/api/mp/me') return json(200, customer)
  if (path === '/api/mp/me/phone') return phoneAnswer(req)
  return json(404, '')
}

const fake = createFakeWx(route)
Object.assign(global.wx, fake.api)
const pageId = loadPage('pages/me/me')

beforeEach(() => {
  config.baseUrl = BASE
  fake.reset(route)
  customer = { phoneBound: false, maskedPhone: null, ticketBalance: 1500 }
  phoneAnswer = () => json(200, { phoneBound: true, maskedPhone: '138****0000', ticketBalance: 1500 })
})

const toastTitles = () => fake.state.toasts.map((t) => t.title)

describe('me page', () => {
  test('onLoad logs in and shows the bind button and ticket balance when no phone is bound', async () => {
    const page = renderPage(pageId)

    await page.instance.onLoad({})

    expect(fake.state.loginCalls).toBe(1)
    expect(page.querySelector('#bind-phone')).toBeDefined()
    expect(text(page, '#bind-phone')).toBe('绑定手机号')
    expect(page.querySelector('#phone')).toBeUndefined()
    expect(text(page, '#ticket-balance')).toBe('1500')
  })

  test('onLoad shows the masked phone when already bound', async () => {
    customer = { phoneBound: true, maskedPhone: '139****1234', ticketBalance: 0 }
    const page = renderPage(pageId)

    await page.instance.onLoad({})

    expect(text(page, '#phone')).toBe('139****1234')
    expect(page.querySelector('#bind-phone')).toBeUndefined()
  })

  test('getphonenumber with a code binds the phone and shows the masked number', async () => {
    const page = renderPage(pageId)
    await page.instance.onLoad({})

    page.querySelector('#bind-phone').dispatchEvent('getphonenumber', { detail: { code: 'phone-code-1', errMsg: 'getPhoneNumber:ok' } })
    await waitForData(page, (d) => d.phoneBound && !d.binding)

    const calls = fake.state.requests.filter((r) => r.url === BASE + '/api/mp/me/phone')
    expect(calls.map((r) => r.data)).toEqual([{ code: 'phone-code-1' }])
    expect(text(page, '#phone')).toBe('138****0000')
    expect(page.querySelector('#bind-phone')).toBeUndefined()
  })

  test('refusing the phone permission shows 需要授权手机号才能继续 and calls no server', async () => {
    const page = renderPage(pageId)
    await page.instance.onLoad({})
    const before = fake.state.requests.length

    await page.instance.onGetPhone({ detail: { errMsg: 'getPhoneNumber:fail user deny' } })

    expect(toastTitles()).toEqual(['需要授权手机号才能继续'])
    expect(fake.state.requests).toHaveLength(before)
    expect(page.querySelector('#bind-phone')).toBeDefined()
  })

  test('a rejected phone code shows the server title and keeps the bind button', async () => {
    phoneAnswer = () => problem(422, { title: '手机号验证失败，请重新授权' })
    const page = renderPage(pageId)
    await page.instance.onLoad({})

    await page.instance.onGetPhone({ detail: { code: 'used-code' } })

    expect(toastTitles()).toEqual(['手机号验证失败，请重新授权'])
    expect(page.instance.data).toMatchObject({ phoneBound: false, binding: false })
    expect(page.querySelector('#bind-phone')).toBeDefined()
  })

  test('我的订单 opens the order list (not a tab: navigateTo)', async () => {
    const page = renderPage(pageId)
    await page.instance.onLoad({})

    expect(text(page, '#orders')).toContain('我的订单')
    page.querySelector('#orders').dispatchEvent('tap')
    await Promise.resolve()
    expect(fake.state.navigations).toEqual([{ type: 'navigateTo', url: '/pages/orders/orders' }])
  })

  test('我的投诉 opens the complaint list (navigateTo), even when the summary failed to load', async () => {
    customer = null
    const page = renderPage(pageId)
    await page.instance.onLoad({})

    expect(text(page, '#complaints')).toContain('我的投诉')
    page.querySelector('#complaints').dispatchEvent('tap')
    await Promise.resolve()
    expect(fake.state.navigations).toEqual([{ type: 'navigateTo', url: '/pages/complaints/complaints' }])
  })
})
