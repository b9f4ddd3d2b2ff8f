const { loadPage, renderPage, text } = require('../support/pages') // sets global.wx stubs
const { createFakeWx, json, problem } = require('../support/fake-wx')
const config = require('../../src/config')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00Z'

const STORE = {
  storeCode: 'SZ001',
  storeName: '深圳欢乐谷儿童乐园',
  address: '深圳市南山区侨城西街 18 号',
  cabinets: [
    { deviceCode: 'SZ001-D01', available: true, stateLabel: '可使用' },
    { deviceCode: 'SZ001-D02', available: false, stateLabel: '使用中' },
    { deviceCode: 'SZ001-D03', available: false, stateLabel: '离线' },
  ],
}

let answer
const route = (req) => {
  const path = req.url.slice(BASE.length)
  if (path === '/api/mp/auth/login') return json(200, { token: 'tok', expiresAt: LATER, customer: {} })
  if (req.header.Authorization !== 'Bearer tok') return problem(401, { title: '请先登录' })
  if (path === '/api/mp/stores/SZ001/cabinets') return answer(req)
  return problem(404, { type: 'https://cabinetops.dev/problems/store-not-found', title: '找不到该门店，请重新扫码' })
}

const fake = createFakeWx(route)
Object.assign(global.wx, fake.api)
const pageId = loadPage('pages/store/store')

beforeEach(() => {
  config.baseUrl = BASE
  fake.reset(route)
  answer = () => json(200, STORE)
})

const toastTitles = () => fake.state.toasts.map((t) => t.title)

async function loaded(storeCode = 'SZ001') {
  const page = renderPage(pageId)
  await page.instance.onLoad({ storeCode })
  return page
}

describe('store page', () => {
  test('lists the store’s cabinets with the server’s state labels', async () => {
    const page = await loaded()

    const [req] = fake.state.requests.filter((r) => r.url.includes('/stores/'))
    expect(req).toMatchObject({ method: 'GET', url: BASE + '/api/mp/stores/SZ001/cabinets' })
    expect(req.header.Authorization).toBe('Bearer tok')
    expect(text(page, '#store-name')).toBe('深圳欢乐谷儿童乐园')
    expect(text(page, '#address')).toBe('深圳市南山区侨城西街 18 号')
    expect(text(page, '#cabinet-SZ001-D01')).toBe('SZ001-D01可使用')
    expect(text(page, '#cabinet-SZ001-D02')).toBe('SZ001-D02使用中')
    expect(text(page, '#cabinet-SZ001-D03')).toBe('SZ001-D03离线')
    expect(page.querySelector('#cabinet-SZ001-D02').dom.className).toContain('cabinet-unavailable')
    expect(page.querySelector('#empty')).toBeUndefined()
    expect(toastTitles()).toEqual([])
  })

  test('tapping an available cabinet opens its device page', async () => {
    const page = await loaded()
    const navigation = fake.nextNavigation()
    page.querySelector('#cabinet-SZ001-D01').dispatchEvent('tap')
    expect(await navigation).toEqual({ type: 'navigateTo', url: '/pages/device/device?deviceCode=SZ001-D01' })
  })

  test('tapping a cabinet that cannot be used says so and stays', async () => {
    const page = await loaded()
    page.querySelector('#cabinet-SZ001-D02').dispatchEvent('tap')
    await Promise.resolve()
    expect(toastTitles()).toEqual(['该柜子暂时无法使用，请选择其他柜子'])
    expect(fake.state.navigations).toEqual([])
  })

  test('a store without cabinets says so', async () => {
    answer = () => json(200, Object.assign({}, STORE, { cabinets: [], address: null }))
    const page = await loaded()
    expect(text(page, '#empty')).toBe('本店暂无柜子')
    expect(page.querySelector('#address')).toBeUndefined()
  })

  test('an unknown store shows the 404 problem title with 重试 / 返回', async () => {
    const page = await loaded('XX999')

    expect(toastTitles()).toEqual(['找不到该门店，请重新扫码'])
    expect(text(page, '#load-error')).toBe('找不到该门店，请重新扫码')
    expect(text(page, '#retry')).toBe('重试')
    expect(text(page, '#back')).toBe('返回')
  })

  test('重试 after a lost answer loads the list', async () => {
    answer = () => ({ fail: 'timeout' })
    const page = await loaded()
    expect(text(page, '#load-error')).toBe('网络异常，请稍后重试')

    answer = () => json(200, STORE)
    await page.instance.onRetry()
    expect(page.querySelector('#load-error')).toBeUndefined()
    expect(text(page, '#cabinet-SZ001-D01')).toBe('SZ001-D01可使用')
  })

  test('a malformed storeCode calls no server', async () => {
    const page = await loaded('S 1')
    expect(text(page, '#load-error')).toBe('门店编号无效，请重新扫码')
    expect(page.querySelector('#retry')).toBeUndefined()
    expect(fake.state.requests).toHaveLength(0)
  })
})
