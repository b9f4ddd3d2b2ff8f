const { createFakeWx } = require('../support/fake-wx')

const fake = createFakeWx()
global.wx = fake.api
const session = require('../../src/services/session')

beforeEach(() => fake.reset())

describe('session.parseIsoUtc', () => {
  test('reads .NET timestamps with 7 fractional digits', () => {
    expect(session.parseIsoUtc('2025-01-01T08:00:00.1234567Z')).toBe(Date.UTC(2025, 0, 1, 8, 0, 0, 123))
  })

  test('applies an explicit offset', () => {
    expect(session.parseIsoUtc('2025-01-01T16:00:00+08:00')).toBe(Date.UTC(2025, 0, 1, 8, 0, 0))
  })

  test('returns NaN for junk', () => {
    expect(session.parseIsoUtc('tomorrow')).toBeNaN()
  })
})

describe('session.hasValidToken', () => {
  const now = Date.UTC(2025, 0, 1, 8, 0, 0)

  test('is true for a token that expires later than the skew', () => {
    session.save('t', '2025-01-01T09:00:00Z')
    expect(session.hasValidToken(now)).toBe(true)
  })

  test('is false for a token about to expire, a missing one, or an unreadable expiry', () => {
    session.save('t', '2025-01-01T08:00:30Z')
    expect(session.hasValidToken(now)).toBe(false)
    session.clear()
    expect(session.hasValidToken(now)).toBe(false)
    session.save('t', 'soon')
    expect(session.hasValidToken(now)).toBe(false)
  })
})
