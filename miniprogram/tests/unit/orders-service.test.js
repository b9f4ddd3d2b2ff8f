// services/orders.js: the four calls of the orders contract as they go out through api.js, and
// wx.requestPayment turned into a promise that never rejects.
const { createFakeWx, json, problem } = require('../support/fake-wx')

const fake = createFakeWx()
global.wx = fake.api
const config = require('../../src/config')
const session = require('../../src/services/session')
const orders = require('../../src/services/orders')
const fixtures = require('../support/orders')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00.0000000Z'
const sent = () => fake.state.requests.map((r) => [r.method, r.url.slice(BASE.length), r.data, r.header.Authorization])

beforeEach(() => {
  config.baseUrl = BASE
  fake.reset(() => json(200, { ok: true }))
  session.save('tok', LATER)
})

describe('orders service', () => {
  test('list, get, pay and payment-check: methods, paths (encoded order number), bodies, bearer token', async () => {
    await orders.list(2, 20)
    await orders.get('OD1/x')
    await orders.pay('OD1')
    await orders.pay('OD1', 'jsapi')
    await orders.check('OD1')
    expect(sent()).toEqual([
      ['GET', '/api/mp/orders', { page: 2, pageSize: 20 }, 'Bearer tok'],
      ['GET', '/api/mp/orders/OD1%2Fx', undefined, 'Bearer tok'],
      ['POST', '/api/mp/orders/OD1/pay', {}, 'Bearer tok'],
      ['POST', '/api/mp/orders/OD1/pay', { method: 'jsapi' }, 'Bearer tok'],
      ['POST', '/api/mp/orders/OD1/payment-check', undefined, 'Bearer tok'],
    ])
  })

  test('a refusal rejects with the problem (already a toast); silent get does not toast', async () => {
    fake.state.route = () => problem(409, { type: 'https://cabinetops.dev/problems/order-held', title: '订单审核中，暂不能支付' })
    await expect(orders.pay('OD1')).rejects.toMatchObject({ status: 409, message: '订单审核中，暂不能支付' })
    await expect(orders.get('OD1', { silent: true })).rejects.toMatchObject({ status: 409 })
    expect(fake.state.toasts.map((t) => t.title)).toEqual(['订单审核中，暂不能支付'])
  })

  test('requestPayment passes the five signed values and reports ok, cancelled or another failure', async () => {
    const params = fixtures.requestPayment(1)
    fake.state.payment = () => ({})
    await expect(orders.requestPayment(params)).resolves.toEqual({ ok: true })
    expect(fake.state.payments).toEqual([params])

    fake.state.payment = null // the customer closes the sheet
    await expect(orders.requestPayment(params)).resolves.toEqual({ ok: false, cancelled: true, errMsg: 'requestPayment:fail cancel' })

    fake.state.payment = () => ({ errMsg: 'requestPayment:fail (-1):system error' })
    await expect(orders.requestPayment(params)).resolves.toEqual({ ok: false, cancelled: false, errMsg: 'requestPayment:fail (-1):system error' })
  })

  test('a client whose wx.requestPayment throws is reported as a failure, not an exception', async () => {
    const saved = global.wx.requestPayment
    global.wx.requestPayment = () => {
      throw new Error('not supported')
    }
    try {
      await expect(orders.requestPayment(fixtures.requestPayment(1))).resolves.toEqual({ ok: false, cancelled: false, errMsg: 'not supported' })
    } finally {
      global.wx.requestPayment = saved
    }
  })
})
