// E2E: the orders API's edges as the mini-program's services/orders.js meets them over real HTTP,
// for a customer the server has never seen (so it runs repeatedly on a persistent server): an empty
// list, a pageSize out of range, an unknown order number. With E2E_BASE_URL set it checks that
// server against docs/integrations/miniprogram-orders.md; without it, the contract stub.
require('../support/pages') // sets global.wx stubs
const { createFakeWx } = require('../support/fake-wx')
const bridge = require('../support/http-bridge')
const { openIdFor } = require('../support/stub-server')
const { useE2eTarget } = require('../support/e2e-target')
const shop = require('../support/e2e-shop')
const orders = require('../../src/services/orders')

const UNKNOWN = 'OD20000101000000000000'

const fake = createFakeWx()
Object.assign(global.wx, fake.api, { request: bridge.request })

let target = null
let baseUrl

beforeAll(async () => {
  target = await useE2eTarget()
  baseUrl = target.baseUrl
  await shop.logIn(fake, baseUrl, openIdFor('e2e-orders-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 8)))
})

afterAll(async () => {
  if (target) await target.close()
})

const CHINESE = /[\u4e00-\u9fff]/

describe('orders API E2E (' + (process.env.E2E_BASE_URL ? 'E2E_BASE_URL' : 'stub server') + ')', () => {
  test('a new customer has no orders; pageSize 1–50 and page ≥ 1, else a 400 problem in Chinese', async () => {
    await expect(orders.list(1, 20)).resolves.toEqual({ items: [], total: 0, page: 1, pageSize: 20 })
    await expect(orders.list(1, 50)).resolves.toMatchObject({ items: [], pageSize: 50 })
    for (const [page, size] of [[1, 0], [1, 51], [0, 20]]) {
      const err = await orders.list(page, size).then(() => null, (e) => e)
      expect({ page, size, status: err && err.status }).toEqual({ page, size, status: 400 })
      expect(err.problem.type).toMatch(/\/validation$/)
      expect(err.message).toMatch(CHINESE)
    }
  })

  test('an unknown order number is 404 order-not-found for the detail, 去支付 and payment-check', async () => {
    for (const call of [() => orders.get(UNKNOWN), () => orders.pay(UNKNOWN), () => orders.pay(UNKNOWN, 'jsapi'), () => orders.check(UNKNOWN)]) {
      const err = await call().then(() => null, (e) => e)
      expect(err && err.status).toBe(404)
      expect(err.problem.type).toMatch(/\/order-not-found$/)
      expect(err.message).toBe('订单不存在')
    }
  })
})
