const { decodeQ, parseEntryUrl, parseEntryQuery } = require('../../src/utils/qrcode')

describe('qrcode.parseEntryQuery', () => {
  test('decodes q once and finds the device code', () => {
    const q = encodeURIComponent('https://cab.example.com/d/CAB0001')
    expect(parseEntryQuery({ q, scancode_time: '1717000000' })).toEqual({ type: 'device', code: 'CAB0001' })
  })

  test('finds a store code, ignoring a query string and trailing slash', () => {
    const q = encodeURIComponent('https://cab.example.com/s/STORE-12/?from=poster#x')
    expect(parseEntryQuery({ q })).toEqual({ type: 'store', code: 'STORE-12' })
  })

  test.each([[{}], [undefined], [{ q: undefined }], [{ q: 'undefined' }], [{ q: '' }], [{ q: '%E0%A4%A' }]])(
    'returns null when q is absent or unusable: %p',
    (query) => {
      expect(parseEntryQuery(query)).toBeNull()
    },
  )
})

describe('qrcode.parseEntryUrl', () => {
  test('accepts http and a port (local test codes)', () => {
    expect(parseEntryUrl('http://127.0.0.1:5080/d/CAB0002')).toEqual({ type: 'device', code: 'CAB0002' })
  })

  test.each([
    'https://cab.example.com/x/CAB0001',
    'https://cab.example.com/d/',
    'https://cab.example.com/d/CAB0001/extra',
    'https://cab.example.com/d/CAB 1',
    '/d/CAB0001',
    'CAB0001',
    'weixin://dl/business',
    '',
    'undefined',
    null,
    42,
  ])('rejects junk: %p', (text) => {
    expect(parseEntryUrl(text)).toBeNull()
  })
})

describe('qrcode.decodeQ', () => {
  test('decodes exactly once, keeping the URL’s own escapes', () => {
    const link = 'https://cab.example.com/d/CAB0001?n=a%20b'
    expect(decodeQ(encodeURIComponent(link))).toBe(link)
  })

  test('treats the string "undefined" as no entry', () => {
    expect(decodeQ('undefined')).toBeNull()
  })
})
