const { createFakeWx } = require('../support/fake-wx')

const fake = createFakeWx()
global.wx = fake.api
const idempotency = require('../../src/utils/idempotency')
const format = require('../../src/utils/format')
const nav = require('../../src/utils/nav')
const doors = require('../../src/services/doors')

beforeEach(() => fake.reset())

describe('idempotency.newKey', () => {
  test('makes keys the server accepts (8–64 of [A-Za-z0-9_-]), different each time', () => {
    const keys = Array.from({ length: 50 }, () => idempotency.newKey())
    keys.forEach((k) => expect(k).toMatch(/^[A-Za-z0-9_-]{8,64}$/))
    expect(new Set(keys).size).toBe(keys.length)
    expect(idempotency.isValidKey(keys[0])).toBe(true)
    expect(idempotency.isValidKey('short')).toBe(false)
    expect(idempotency.isValidKey('has space in it')).toBe(false)
  })
})

describe('format', () => {
  test('beijingTime shows a UTC timestamp in Beijing time', () => {
    expect(format.beijingTime('2026-11-24T16:05:00.1234567Z')).toBe('2026-11-25 00:05')
    expect(format.beijingTime('not a time')).toBe('')
  })

  test('yuan shows two decimals', () => {
    expect(format.yuan(12.5)).toBe('¥12.50')
    expect(format.yuan('x')).toBe('')
  })
})

describe('nav', () => {
  test('page addresses encode their parameter', () => {
    expect(nav.entryPage({ type: 'device', code: 'SZ001-D01' })).toBe('/pages/device/device?deviceCode=SZ001-D01')
    expect(nav.entryPage({ type: 'store', code: 'SZ001' })).toBe('/pages/store/store?storeCode=SZ001')
    expect(nav.sessionPage('A&B')).toBe('/pages/session/session?sessionNo=A%26B')
  })
})

describe('doors statuses', () => {
  test('polling stops at Closed, Settled, Failed and Expired only', () => {
    expect(['Created', 'Opening', 'Opened', 'Closed', 'Settled', 'Failed', 'Expired'].filter(doors.isStopStatus)).toEqual([
      'Closed',
      'Settled',
      'Failed',
      'Expired',
    ])
    expect(['Closed', 'Settled', 'Failed', 'Expired'].filter(doors.isFailedStatus)).toEqual(['Failed', 'Expired'])
  })
})
