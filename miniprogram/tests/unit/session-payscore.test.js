// The session page in Pay Score 需确认 mode: the session waits (Created) for the customer to
// confirm the order on WeChat's page (a faked wx.openBusinessView), the page opens it by itself once,
// asks the server on the customer's return and follows the door from there; 去确认 opens it again.
const { loadPage, renderPage, text } = require('../support/pages') // sets global.wx stubs
const { createFakeWx, json, problem } = require('../support/fake-wx')
const { waitForData } = require('../support/wait')
const doors = require('../support/doors')
const config = require('../../src/config')

const BASE = 'https://api.test'
const LATER = '2099-01-01T00:00:00Z'
const NO = 'DS20261125100000ABCDEF'
const SESSION_PATH = '/api/mp/sessions/' + NO
const CONFIRMED_PATH = SESSION_PATH + '/payscore-confirmed'
const NOT_IN_FORCE = {
  active: false,
  failureCode: 'PAYSCORE_NOT_IN_FORCE',
  failureMessage: '微信支付分暂时无法下单，请稍后重试或使用礼票',
}

// In-test server holding both sides as the real one does: WeChat's service order (the customer
// confirms it on the faked page) and our session. A poll only reads the session; payscore-confirmed
// asks WeChat and sends the open once the order is in force. Every view waiting for the customer
// carries freshly signed arguments (signed counts them).
let wechatOrder // 'CREATED' | 'DOING'
let status
let failure // overrides of a Failed / Expired view
let signed
let pollAnswer
let confirmedAnswer

function view() {
  if (status === 'Created') return doors.awaitingConfirmation(++signed)
  return doors.sessionView(status, Object.assign({ paymentMethod: 'PayScore' }, failure))
}
const askWechat = () => {
  if (status === 'Created' && wechatOrder === 'DOING') status = 'Opening'
  return json(200, view())
}

const route = (req) => {
  const path = req.url.slice(BASE.length)
  if (path === '/api/mp/auth/login') return json(200, { token: 'tok', expiresAt: LATER, customer: {} })
  if (req.header.Authorization !== 'Bearer tok') return problem(401, { title: '请先登录' })
  if (path === SESSION_PATH && req.method === 'GET') return pollAnswer()
  if (path === CONFIRMED_PATH && req.method === 'POST') return confirmedAnswer()
  return problem(404, { title: '开门会话不存在' })
}

// WeChat's page as the customer plays it: confirms the order, or backs out (the fake's default).
const confirms = () => {
  wechatOrder = 'DOING'
  return {}
}

const fake = createFakeWx(route)
Object.assign(global.wx, fake.api)
const pageId = loadPage('pages/session/session')

const defaults = { pollIntervalMs: config.pollIntervalMs, pollMaxIntervalMs: config.pollMaxIntervalMs, pollBackoff: config.pollBackoff }
let page = null

beforeEach(() => {
  Object.assign(config, defaults, { baseUrl: BASE, pollIntervalMs: 0, pollMaxIntervalMs: 0 })
  fake.reset(route)
  wechatOrder = 'CREATED'
  status = 'Created'
  failure = null
  signed = 0
  pollAnswer = () => json(200, view())
  confirmedAnswer = askWechat
  page = null
})

// Whatever a test does, no poll may keep running into the next one.
afterEach(() => {
  if (page) page.instance.onUnload()
  jest.useRealTimers()
})

const polls = () => fake.state.requests.filter((r) => r.url === BASE + SESSION_PATH)
const confirmedCalls = () => fake.state.requests.filter((r) => r.url === BASE + CONFIRMED_PATH)
const toastTitles = () => fake.state.toasts.map((t) => t.title)
const tap = (selector) => page.querySelector(selector).dispatchEvent('tap')
// Polls run back to back in unit tests (interval 0): n more answered polls prove that nothing else
// is pending in between.
const morePolls = (n) => {
  const target = polls().length + n
  return waitForData(page, () => polls().length >= target)
}

// Every status the page shows until pred holds, once each in order.
async function statusesUntil(pred) {
  const seen = []
  await waitForData(page, (d) => {
    if (seen[seen.length - 1] !== d.status) seen.push(d.status)
    return pred(d)
  })
  return seen
}

async function open() {
  page = renderPage(pageId)
  await page.instance.onLoad({ sessionNo: NO })
  return page
}

describe('session page, Pay Score 需确认', () => {
  test('the first view opens WeChat’s confirmation page by itself; confirmed → payscore-confirmed → 正在开门 → 门已打开', async () => {
    fake.state.businessView = confirms
    await open()
    await waitForData(page, (d) => d.status === 'Opening' && !d.confirming)

    expect(fake.state.businessViews).toEqual([doors.confirmationPage(1)])
    expect(confirmedCalls()).toHaveLength(1)
    expect(confirmedCalls()[0]).toMatchObject({ method: 'POST', header: { Authorization: 'Bearer tok' } })
    expect(text(page, '#status')).toBe('正在开门')
    expect(text(page, '#hint')).toBe('柜门即将打开，请稍候')
    expect(text(page, '#payment')).toBe('支付方式：微信支付分')
    expect(page.querySelector('#confirm')).toBeUndefined()
    expect(page.querySelector('#confirm-notice')).toBeUndefined()

    status = 'Opened' // the vendor's door.opened push
    await waitForData(page, (d) => d.status === 'Opened')
    expect(text(page, '#status')).toBe('门已打开，请取商品')
    expect(fake.state.businessViews).toHaveLength(1)
    expect(confirmedCalls()).toHaveLength(1)
    expect(toastTitles()).toEqual([])
  })

  test('while WeChat’s page is open the polls go on without opening it again; 去确认 is a no-op then', async () => {
    const { shown, reportBack } = fake.pendingBusinessView(confirms)
    await open()
    await shown

    expect(text(page, '#status')).toBe('请在微信支付分页面确认订单')
    expect(text(page, '#hint')).toBe('确认后柜门自动打开')
    expect(text(page, '#confirm')).toBe('去确认')
    expect(text(page, '#back')).toBe('返回')
    expect(page.querySelector('#choose-tickets')).toBeUndefined()
    expect(page.instance.data.confirming).toBe(true)

    // The order is confirmed at WeChat, but only the server's query moves the session.
    await morePolls(5)
    tap('#confirm')
    await morePolls(1)
    expect(page.instance.data.status).toBe('Created')
    expect(fake.state.businessViews).toHaveLength(1)
    expect(confirmedCalls()).toHaveLength(0)

    reportBack({})
    await waitForData(page, (d) => d.status === 'Opening' && !d.confirming)
    expect(fake.state.businessViews).toHaveLength(1)
    expect(confirmedCalls()).toHaveLength(1)
  })

  test('backing out: the server is still asked; 您尚未确认… with 去确认, which opens WeChat’s page again', async () => {
    await open() // the fake's default: the customer backs out of WeChat's page
    await waitForData(page, (d) => d.confirmNotice !== '' && !d.confirming)

    expect(confirmedCalls()).toHaveLength(1)
    expect(text(page, '#status')).toBe('请在微信支付分页面确认订单')
    expect(text(page, '#confirm-notice')).toBe('您尚未确认微信支付分订单，柜门未打开')
    expect(text(page, '#confirm')).toBe('去确认')
    expect(text(page, '#back')).toBe('返回')
    expect(toastTitles()).toEqual([]) // backing out is the customer's choice

    await morePolls(3) // still waiting for the customer: the polls go on, WeChat's page stays shut
    expect(fake.state.businessViews).toHaveLength(1)
    expect(confirmedCalls()).toHaveLength(1)
    expect(text(page, '#confirm-notice')).toBe('您尚未确认微信支付分订单，柜门未打开')

    fake.state.businessView = confirms
    tap('#confirm')
    await waitForData(page, (d) => d.status === 'Opening' && !d.confirming)

    const [first, again] = fake.state.businessViews
    expect(again.businessType).toBe('wxpayScoreUse')
    expect(again.extraData.nonce_str).not.toBe(first.extraData.nonce_str) // a later view's signature
    expect(confirmedCalls()).toHaveLength(2)
    expect(page.querySelector('#confirm-notice')).toBeUndefined()
    expect(page.querySelector('#confirm')).toBeUndefined()
  })

  test('back through onShow before WeChat’s callback: the server is asked once, on the first of the two', async () => {
    const { shown, reportBack } = fake.pendingBusinessView(confirms)
    await open()
    await shown

    await page.instance.onShow()
    expect(confirmedCalls()).toHaveLength(1)
    expect(page.instance.data).toMatchObject({ status: 'Opening', confirming: false })

    reportBack({}) // openBusinessView's success, late
    await morePolls(2)
    expect(confirmedCalls()).toHaveLength(1)
    expect(page.instance.data.status).toBe('Opening')
  })

  test('another failure of WeChat’s page is a Chinese toast, and the server is still asked', async () => {
    fake.state.businessView = () => ({ errMsg: 'openBusinessView:fail internal error' })
    await open()
    await waitForData(page, (d) => d.confirmNotice !== '')

    expect(toastTitles()).toEqual(['无法打开微信支付分页面，请稍后重试'])
    expect(confirmedCalls()).toHaveLength(1)
    expect(text(page, '#confirm')).toBe('去确认')
  })

  test('an old WeChat without wx.openBusinessView is asked to update; nothing is opened or asked, the polls go on', async () => {
    delete global.wx.openBusinessView // fake.reset() puts it back for the next test
    await open()

    expect(toastTitles()).toEqual(['当前微信版本过低，请升级微信后再确认微信支付分订单'])
    expect(text(page, '#confirm-notice')).toBe('当前微信版本过低，请升级微信后再确认微信支付分订单')
    await morePolls(3)
    expect(text(page, '#confirm-notice')).toBe('当前微信版本过低，请升级微信后再确认微信支付分订单')
    expect(confirmedCalls()).toHaveLength(0)
    expect(page.instance.data.confirming).toBe(false)

    tap('#confirm') // asked again, still nothing to open
    await Promise.resolve()
    expect(toastTitles()).toHaveLength(2)
    expect(confirmedCalls()).toHaveLength(0)
  })

  test('the server answers Failed after the return: the failure display, and the polls stop', async () => {
    fake.state.businessView = confirms
    confirmedAnswer = () => {
      status = 'Failed' // WeChat did not put the order in force
      failure = NOT_IN_FORCE
      return json(200, view())
    }
    await open()
    await waitForData(page, (d) => d.status === 'Failed')

    expect(text(page, '#status')).toBe('开门失败')
    expect(text(page, '#failure')).toBe('微信支付分暂时无法下单，请稍后重试或使用礼票')
    expect(text(page, '#choose-tickets')).toBe('改用礼票开门')
    expect(page.querySelector('#confirm')).toBeUndefined()
    expect(page.instance.timer).toBeNull()
    const count = polls().length
    await Promise.resolve()
    expect(polls()).toHaveLength(count)
  })

  test('the confirmation times out (Expired, PAYSCORE_NOT_CONFIRMED): the failure display replaces 去确认 and offers tickets', async () => {
    await open() // backs out
    await waitForData(page, (d) => d.confirmNotice !== '')

    status = 'Expired'
    failure = { active: false, failureCode: 'PAYSCORE_NOT_CONFIRMED', failureMessage: '未确认微信支付分订单，本次未开门' }
    await waitForData(page, (d) => d.status === 'Expired')

    expect(text(page, '#failure')).toBe('未确认微信支付分订单，本次未开门')
    expect(text(page, '#choose-tickets')).toBe('改用礼票开门')
    expect(page.querySelector('#confirm')).toBeUndefined()
    expect(page.querySelector('#confirm-notice')).toBeUndefined()
    expect(page.instance.timer).toBeNull()
    expect(fake.state.businessViews).toHaveLength(1)
  })

  test('a poll answered after the payscore-confirmed answer does not bring back 去确认', async () => {
    const { shown, reportBack } = fake.pendingBusinessView(confirms)
    await open()
    await shown

    // The next poll reads the session before the server asked WeChat, but its answer comes last.
    let heldPoll
    const pollHeld = new Promise((resolve) => (heldPoll = resolve))
    pollAnswer = () => {
      pollAnswer = () => json(200, view())
      const stale = json(200, view())
      return new Promise((resolve) => heldPoll(() => resolve(stale)))
    }
    const release = await pollHeld
    reportBack({})
    await waitForData(page, (d) => d.status === 'Opening' && !d.confirming)

    release()
    const target = polls().length + 2
    expect(await statusesUntil(() => polls().length >= target)).toEqual(['Opening'])
    expect(page.instance.data.confirmation).toBe(false)
    expect(page.querySelector('#confirm')).toBeUndefined()
    expect(fake.state.businessViews).toHaveLength(1)
  })

  test('WeChat’s notification opens the door while payscore-confirmed is out: its older answer changes nothing', async () => {
    fake.state.businessView = confirms
    let release
    const held = new Promise((resolve) => (release = resolve))
    confirmedAnswer = () => {
      const stale = json(200, view()) // read before the notification was applied
      return held.then(() => stale)
    }
    await open()
    await waitForData(page, () => confirmedCalls().length === 1)

    status = 'Opening' // PAYSCORE.USER_CONFIRM reached the server, which sent the open
    await waitForData(page, (d) => d.status === 'Opening')
    release()
    const target = polls().length + 1
    expect(await statusesUntil((d) => !d.confirming && polls().length >= target)).toEqual(['Opening'])
    expect(page.querySelector('#confirm-notice')).toBeUndefined()
    expect(page.querySelector('#confirm')).toBeUndefined()
  })

  test('back from WeChat’s page, the door is followed from the first poll interval, not a backed-off one', async () => {
    jest.useFakeTimers()
    Object.assign(config, { pollIntervalMs: 1000, pollMaxIntervalMs: 5000, pollBackoff: 1.5 })
    const { shown, reportBack } = fake.pendingBusinessView(confirms)
    await open()
    await shown
    // Polls at 1, 2.5, 4.75, 8.125, 13.125 … 28.125 s while the customer is on WeChat's page; the
    // next one would come at 33.125 s.
    await jest.advanceTimersByTimeAsync(30000)

    reportBack({})
    await waitForData(page, (d) => d.status === 'Opening')
    const before = polls().length
    await jest.advanceTimersByTimeAsync(999)
    expect(polls()).toHaveLength(before)
    await jest.advanceTimersByTimeAsync(1)
    expect(polls()).toHaveLength(before + 1)
  })

  test('payscore-confirmed lost: a toast, 去确认 stays and the polls go on', async () => {
    fake.state.businessView = confirms
    confirmedAnswer = () => ({ fail: 'timeout' })
    await open()
    await waitForData(page, (d) => !d.confirming && confirmedCalls().length === 1)

    expect(toastTitles()).toEqual(['网络异常，请稍后重试'])
    expect(page.instance.data.status).toBe('Created')
    expect(page.querySelector('#confirm-notice')).toBeUndefined() // the server could not say
    expect(text(page, '#confirm')).toBe('去确认')
    await morePolls(2)

    confirmedAnswer = askWechat
    tap('#confirm')
    await waitForData(page, (d) => d.status === 'Opening')
    expect(fake.state.businessViews).toHaveLength(2)
  })
})
