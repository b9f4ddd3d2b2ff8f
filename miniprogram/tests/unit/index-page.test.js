const { loadPage, renderPage, text } = require('../support/pages') // sets global.wx stubs
const { createFakeWx } = require('../support/fake-wx')
const { waitForData } = require('../support/wait')

const fake = createFakeWx()
Object.assign(global.wx, fake.api)
const pageId = loadPage('pages/index/index')

beforeEach(() => fake.reset())

const toastTitles = () => fake.state.toasts.map((t) => t.title)

describe('index page QR entry', () => {
  test('onLoad with a device QR link opens the device page and keeps the entry with 继续', async () => {
    const page = renderPage(pageId)
    const q = encodeURIComponent('https://cab.example.com/d/CAB0001')

    await page.instance.onLoad({ q, scancode_time: '1700000000' })

    expect(fake.state.navigations).toEqual([{ type: 'navigateTo', url: '/pages/device/device?deviceCode=CAB0001' }])
    expect(page.instance.data).toMatchObject({ entryType: 'device', entryCode: 'CAB0001' })
    expect(text(page, '#entry-text')).toBe('设备：CAB0001')
    expect(toastTitles()).toEqual([])

    // Back on the home page (or if the navigation failed): 继续 goes there again.
    page.querySelector('#open-entry').dispatchEvent('tap')
    await Promise.resolve()
    expect(fake.state.navigations).toHaveLength(2)
    expect(fake.state.navigations[1]).toEqual(fake.state.navigations[0])
  })

  test('onLoad with a store QR link opens the store page', async () => {
    const page = renderPage(pageId)
    await page.instance.onLoad({ q: encodeURIComponent('https://cab.example.com/s/S001'), scancode_time: '1700000000' })
    expect(text(page, '#entry-text')).toBe('门店：S001')
    expect(fake.state.navigations).toEqual([{ type: 'navigateTo', url: '/pages/store/store?storeCode=S001' }])
  })

  test('onLoad without q (tab tap, "undefined") shows nothing and no toast', async () => {
    const page = renderPage(pageId)
    await page.instance.onLoad({})
    await page.instance.onLoad({ q: 'undefined' })
    expect(page.instance.data.entryCode).toBe('')
    expect(page.querySelector('#entry-text')).toBeUndefined()
    expect(toastTitles()).toEqual([])
    expect(fake.state.navigations).toEqual([])
  })

  test('onLoad with someone else’s QR link shows 无法识别的二维码', async () => {
    const page = renderPage(pageId)
    await page.instance.onLoad({ q: encodeURIComponent('https://example.com/promo/1'), scancode_time: '1700000000' })
    expect(toastTitles()).toEqual(['无法识别的二维码'])
    expect(page.instance.data.entryCode).toBe('')
    expect(fake.state.navigations).toEqual([])
  })
})

describe('index page 扫码开门', () => {
  test('tapping the button scans from the camera and opens the scanned device', async () => {
    fake.state.scanResult = { result: 'https://cab.example.com/d/CAB0042' }
    const page = renderPage(pageId)

    page.querySelector('#scan').dispatchEvent('tap')
    await waitForData(page, (d) => d.entryCode === 'CAB0042')

    expect(fake.state.scanOptions).toMatchObject({ onlyFromCamera: true, scanType: ['qrCode'] })
    expect(text(page, '#entry-text')).toBe('设备：CAB0042')
    expect(page.instance.data.scanning).toBe(false)
    expect(fake.state.navigations).toEqual([{ type: 'navigateTo', url: '/pages/device/device?deviceCode=CAB0042' }])
  })

  test('a scanned store code opens the store page', async () => {
    fake.state.scanResult = { result: 'https://cab.example.com/s/SZ001' }
    const page = renderPage(pageId)
    await page.instance.onScan()
    expect(fake.state.navigations).toEqual([{ type: 'navigateTo', url: '/pages/store/store?storeCode=SZ001' }])
  })

  test('a scanned code that is not ours shows 无法识别的二维码', async () => {
    fake.state.scanResult = { result: '6901234567892' }
    const page = renderPage(pageId)
    await page.instance.onScan()
    expect(toastTitles()).toEqual(['无法识别的二维码'])
  })

  test('cancelling the camera is silent; other scan failures show a toast', async () => {
    const page = renderPage(pageId)
    fake.state.scanResult = { errMsg: 'scanCode:fail cancel' }
    await page.instance.onScan()
    expect(toastTitles()).toEqual([])

    fake.state.scanResult = { errMsg: 'scanCode:fail system error' }
    await page.instance.onScan()
    expect(toastTitles()).toEqual(['扫码失败，请重试'])
    expect(fake.state.navigations).toEqual([])
  })
})
