// A small in-process server that implements the mini-program API contract and the sandbox
// WeChat code minting of the embedded default server, so the E2E test always runs even when
// no E2E_BASE_URL is given. It mirrors the contract, not the C# implementation: codes are
// single use, problems are application/problem+json with Chinese titles.
//
// 扫码开门: precheck, store cabinets, the idempotent open and the session view, with the demo
// data of the real server (six stores × two online cabinets, 顾客一 with 5000 tickets, store
// minimum 500). Like the Xiaomai simulator, a cabinet's door is pulled open by itself shortly
// after the open (Opening → Opened) and closed only by POST /sandbox/xiaomai/devices/{code}/close,
// which reaches the session a moment later (the vendor's push), never in the same request.
//
// 微信支付分 (switch on, as in the demo data): the precheck offers Pay Score once the customer is
// authorised. POST /api/mp/payscore/authorization hands out a token; the sandbox "customer agrees"
// (POST /sandbox/wechatpay/users/{openid}/authorize?token=) changes WeChat's side at once and ours
// only when the notification arrives a moment later; …/authorization/refresh asks WeChat's side
// and overrules it, as the server does. Service orders are always put in force here.
//
// 订单 (docs/integrations/miniprogram-orders.md): every cabinet has the same shelf (SHELF); while the
// door is open the sandbox "takes" from it (POST /sandbox/xiaomai/devices/{code}/take?sku=&quantity=,
// GET …/shelf lists it, shaped like the Xiaomai simulator's). A moment after the close the vendor's
// order arrives: nothing taken settles the session without an order; otherwise an order priced from
// SHELF settles it (orderNo in the session view) and is charged at once by the session's method:
//   - 礼票: whole fen at 5 tickets each; what the balance cannot cover stays due by WeChat (Unpaid,
//     "礼票余额不足，剩余 ¥x 需微信支付") — so a test makes an unpaid order by taking more than the
//     customer's tickets cover;
//   - 微信支付分: 支付中 while WeChat deducts, 已支付 a moment later (POST /sandbox/wechatpay/faults?
//     deductionsFail=true keeps it 支付中 until switched off, which opens 去支付 on WeChat's Pay Score
//     order page, or by JSAPI with {method: 'jsapi'}).
// Above the store's limits (¥500, 20 pieces) an order is held (审核中) and charged by nobody.
// 去支付 issues JSAPI attempts ({orderNo}-{n}) with signed-looking wx.requestPayment values; the
// sandbox customer pays one in WeChat with POST /sandbox/wechatpay/transactions/{out_trade_no}/pay or
// …/prepay/{prepay_id}/pay (WeChat's side at once, TRANSACTION.SUCCESS a moment later), and
// payment-check asks WeChat's side at once, as the server does.
//
// 用户管理 (the admin API, only what tests need to give a customer tickets the way staff do): a
// customer is created by its first login with no tickets (顾客一 is seeded with 5000);
// POST /api/admin/auth/login {userName: 'ops', password: 'Demo@2026'} (the demo operator, the only
// account) sets the staff cookie; with it, GET /api/admin/customers?page=&pageSize= lists customers
// newest first (openids masked: first 4 + '****' + last 4) and POST /api/admin/customers/{id}/tickets
// {amount, reason} grants (or, negative, deducts) tickets → the customer's detail.
const http = require('node:http')
const crypto = require('node:crypto')

const DEMO_OPENID = 'o-demo-customer'
const PROBLEM_BASE = 'https://cabinetops.local/problems/'

// WechatSimulator.OpenIdFor(alias) of the server: "o" + base64url(sha256("openid:" + alias))[0..27].
function openIdFor(alias) {
  const b64 = crypto.createHash('sha256').update('openid:' + alias, 'utf8').digest('base64')
  return 'o' + b64.replace(/\+/g, '-').replace(/\//g, '_').slice(0, 27)
}

const DEMO_STORES = [
  ['SZ001', '深圳欢乐谷儿童乐园', '深圳市南山区侨城西街 18 号'],
  ['SZ002', '深圳海岸城店', '深圳市南山区文心五路 33 号'],
  ['GZ001', '广州天河城店', '广州市天河区天河路 208 号'],
  ['FS001', '佛山岭南天地店', '佛山市禅城区祖庙路 1 号'],
  ['DG001', '东莞万达店', '东莞市南城区鸿福路 200 号'],
  ['ZH001', '珠海拱北店', '珠海市香洲区迎宾南路 1 号'],
]
const MIN_TICKETS = 500
const DOOR_PULL_MS = 100 // the simulator's "about 1 s", shortened
const PUSH_DELAY_MS = 30
const LABELS = {
  Created: '准备开门',
  Opening: '正在开门',
  Opened: '门已打开，请取商品',
  Closed: '门已关闭，正在结算',
  Settled: '已结算',
  Failed: '开门失败',
  Expired: '会话已超时',
}
const ACTIVE = { Created: true, Opening: true, Opened: true }
const PAYSCORE_LABELS = { Authorized: '已授权', Revoked: '已解除授权', Unknown: '未授权' }
const KEY_RE = /^[A-Za-z0-9_-]{8,64}$/
const CODE_RE = /^[A-Za-z0-9_-]{1,50}$/
// The vendor's recognition after the close (the simulator's RecognitionDelay, shortened).
const RECOGNITION_MS = 60
// Every cabinet's shelf, cheapest second; imageUrl is our catalogue's (null = no picture).
const SHELF = [
  { sku_code: 'P10001', barcode: '6900000100016', name: '可口可乐 330ml', unit_price_fen: 350, imageUrl: 'https://img.erp.example/p/P10001.jpg' },
  { sku_code: 'P10002', barcode: '6900000100023', name: '农夫山泉 550ml', unit_price_fen: 200, imageUrl: 'https://img.erp.example/p/P10002.jpg' },
  { sku_code: 'P20001', barcode: '6900000200013', name: '乐事薯片 原味 70g', unit_price_fen: 650, imageUrl: 'https://img.erp.example/p/P20001.jpg' },
  { sku_code: 'P30001', barcode: '6900000300010', name: '纯牛奶 250ml', unit_price_fen: 400, imageUrl: null },
  { sku_code: 'P40001', barcode: '6900000400017', name: '拼装积木 大号', unit_price_fen: 3900, imageUrl: 'https://img.erp.example/p/P40001.jpg' },
]
const MAX_TAKEN_PER_PRODUCT = 20
const TICKETS_PER_FEN = 5
const ORDER_AMOUNT_LIMIT_FEN = 50000
const ITEM_COUNT_LIMIT = 20
const ORDER_LABELS = { Unpaid: '待支付', Paying: '支付中', Paid: '已支付', Failed: '支付失败', Cancelled: '已取消' }
const MCH_ID = '1900000109'
const SERVICE_ID = '00004000000000000000000000000000'

function startStubServer() {
  const loginCodes = new Map() // code -> openid
  const phoneCodes = new Map() // code -> phone
  const tokens = new Map() // token -> {openid, expires}
  const customers = new Map() // openid -> {id, openid, phone, ticketBalance, payScore, payScoreAt, ledger, …}
  const applyTokens = new Map() // apply_permissions_token -> openid that asked for it
  const wechatPayUsers = new Map() // openid -> 'AVAILABLE' | 'UNAVAILABLE' (WeChat's side)

  const newCode = () => crypto.randomBytes(12).toString('hex')
  let customerSeq = 0
  // A customer the server has not seen (its first login) starts with no tickets; ids grow, as the table's.
  const newCustomer = (openid, fields) => {
    const c = Object.assign({ id: ++customerSeq, openid, username: null, phone: null, ticketBalance: 0, payScore: 'Unknown', payScoreAt: null,
      blocked: false, createTime: new Date().toISOString(), lastLoginAt: null, ledger: [] }, fields)
    customers.set(openid, c)
    return c
  }
  const customerOf = (openid) => customers.get(openid) || newCustomer(openid)
  const demoCustomer = newCustomer(openIdFor('demo-customer-1'), { username: '顾客一', phone: '13800000001' }) // 5000 tickets, below
  // WeChat Pay's notification of a change on its side reaches our server a moment later.
  const payScoreNotice = (openid, state) =>
    later(PUSH_DELAY_MS, () => Object.assign(customerOf(openid), { payScore: state, payScoreAt: new Date().toISOString() }))

  const stores = new Map() // code -> {storeCode, storeName, address}
  const devices = new Map() // code -> {deviceCode, storeCode, online}
  DEMO_STORES.forEach(([storeCode, storeName, address]) => {
    stores.set(storeCode, { storeCode, storeName, address })
    ;['D01', 'D02'].forEach((n) => devices.set(storeCode + '-' + n, { deviceCode: storeCode + '-' + n, storeCode, online: true }))
  })
  const sessions = new Map() // sessionNo -> {sessionNo, openid, deviceCode, paymentMethod, key, status, times…}
  const timers = new Set()
  const later = (ms, fn) => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
  }
  const activeFor = (pred) => [...sessions.values()].find((x) => ACTIVE[x.status] && pred(x))
  const sessionView = (x) => ({
    sessionNo: x.sessionNo,
    deviceCode: x.deviceCode,
    storeName: stores.get(devices.get(x.deviceCode).storeCode).storeName,
    paymentMethod: x.paymentMethod,
    status: x.status,
    statusLabel: LABELS[x.status],
    active: !!ACTIVE[x.status],
    failureCode: null,
    failureMessage: null,
    createdAt: x.createdAt,
    openedAt: x.openedAt || null,
    closedAt: x.closedAt || null,
    endedAt: null,
    orderNo: x.orderNo || null,
  })
  const move = (x, status) => {
    x.status = status
    if (status === 'Opened') x.openedAt = new Date().toISOString()
    if (status === 'Closed') x.closedAt = new Date().toISOString()
  }

  // ---- 用户管理 (admin API, for tests to grant tickets the way staff do) ----
  // The staff cookie of POST /api/admin/auth/login; only the demo operator (ops / Demo@2026) exists.
  const STAFF_COOKIE = 'cabinetops.staff'
  const STAFF = { id: 2, userName: 'ops', password: 'Demo@2026', roleCode: 'operator', roleName: '运营' }
  const staffCookies = new Set()
  const TICKET_KIND_LABELS = { Grant: '发放', Payment: '支付', Refund: '退款', Rollback: '回滚', Adjustment: '人工调整' }
  const MAX_TICKET_MOVEMENT = 100000000
  let ledgerSeq = 0

  // One movement of a customer's tickets, kept in its ledger (TicketLedger.PostAsync).
  function postTickets(c, kind, amount, reason, operatorName, relatedOrderNo) {
    c.ticketBalance += amount
    c.ledger.push({ id: ++ledgerSeq, kind, kindLabel: TICKET_KIND_LABELS[kind], amount, balanceAfter: c.ticketBalance, reason: reason.trim(),
      operatorName, relatedOrderNo, createdAt: new Date().toISOString() })
  }

  const staffSignedIn = (req) =>
    (req.headers.cookie || '').split(';').map((p) => p.trim()).some((p) => {
      const eq = p.indexOf('=')
      return eq > 0 && p.slice(0, eq) === STAFF_COOKIE && staffCookies.has(p.slice(eq + 1))
    })
  // Openids are never shown whole: the first and last 4 characters (CustomerAdminHandlers.MaskOpenId).
  const maskOpenId = (openid) => (openid.length > 8 ? openid.slice(0, 4) + '****' + openid.slice(-4) : '****')
  const customerRow = (c) => ({
    id: c.id,
    username: c.username,
    maskedPhone: c.phone ? c.phone.slice(0, 3) + '****' + c.phone.slice(-4) : null,
    maskedOpenId: maskOpenId(c.openid),
    ticketBalance: c.ticketBalance,
    isBlocked: c.blocked,
    createTime: c.createTime,
    lastLoginAt: c.lastLoginAt,
  })
  const customerDetail = (c) => ({
    customer: customerRow(c),
    ledger: c.ledger.slice().reverse().slice(0, 20), // newest first, the first page
    ledgerTotal: c.ledger.length,
    payScoreState: c.payScore,
    payScoreStateLabel: PAYSCORE_LABELS[c.payScore],
    payScoreStateAt: c.payScoreAt,
  })
  // 顾客一 can shop with tickets at once (DemoData: 5000 tickets, ¥10).
  postTickets(demoCustomer, 'Grant', 5000, '演示数据：初始礼票', '系统', null)

  // ---- 订单 ----
  const orders = new Map() // orderNo -> order (amounts in fen)
  const transactions = new Map() // out_trade_no -> WeChat's JSAPI order {outTradeNo, orderNo, amountFen, prepayId, state, ...}
  const wechatPayFaults = { deductionsFail: false }
  let orderSeq = 0
  const randomText = (n) => crypto.randomBytes(n).toString('hex')
  const yuanOf = (fen) => Math.round(fen) / 100
  const money = (fen) => (fen / 100).toFixed(2)
  const nowSeconds = () => String(Math.floor(Date.now() / 1000))

  function newOrderNo() {
    const t = new Date(Date.now() + 8 * 3600 * 1000).toISOString().replace(/\D/g, '').slice(0, 14)
    return 'OD' + t + String(++orderSeq).padStart(6, '0')
  }

  // What is still to be paid by WeChat: nothing once paid, cancelled or held (OrderRules.WechatDue).
  const dueFen = (o) => (o.held || o.status === 'Paid' || o.status === 'Cancelled' ? 0 : o.totalFen - Math.floor(o.ticketsUsed / TICKETS_PER_FEN))
  const canPay = (o) => dueFen(o) > 0 && (o.status === 'Unpaid' || o.status === 'Failed' || o.status === 'Paying')
  const statusLabel = (o) => (o.held ? '审核中' : ORDER_LABELS[o.status])

  function orderDetail(o) {
    const due = dueFen(o)
    return {
      orderNo: o.orderNo,
      sessionNo: o.sessionNo,
      storeName: o.storeName,
      deviceCode: o.deviceCode,
      orderTime: o.orderTime,
      paymentTime: o.paymentTime,
      totalAmount: yuanOf(o.totalFen),
      ticketAmount: yuanOf(Math.floor(o.ticketsUsed / TICKETS_PER_FEN)),
      ticketsUsed: o.ticketsUsed,
      wxPaymentAmount: yuanOf(o.status === 'Paid' ? o.wxFen : due),
      paymentMethod: o.paymentMethod,
      paymentStatus: o.status,
      statusLabel: statusLabel(o),
      paymentFailure: o.failure,
      held: o.held,
      amountDue: yuanOf(due),
      canPay: canPay(o),
      items: o.items.map((i) => ({ name: i.name, imageUrl: i.imageUrl, quantity: i.quantity, unitPrice: yuanOf(i.unitPriceFen), amount: yuanOf(i.amountFen) })),
      // The stub's orders are never corrected by staff nor followed by a 补扣: normal, nothing refunded.
      orderType: 'Normal',
      relatedOrderNo: null,
      refunds: [],
    }
  }

  function orderSummary(o) {
    const first = o.items[0]
    return {
      orderNo: o.orderNo,
      storeName: o.storeName,
      deviceCode: o.deviceCode,
      orderTime: o.orderTime,
      totalAmount: yuanOf(o.totalFen),
      itemCount: o.items.reduce((n, i) => n + i.quantity, 0),
      firstItemName: first ? first.name : null,
      firstItemImageUrl: first ? first.imageUrl : null,
      paymentStatus: o.status,
      statusLabel: statusLabel(o),
      amountDue: yuanOf(dueFen(o)),
      canPay: canPay(o),
    }
  }

  const markPaid = (o, wxFen, at) => Object.assign(o, { status: 'Paid', paymentTime: at, failure: null, wxFen })

  // The vendor's order for a closed session: priced, stored with the session and charged together.
  function settle(x) {
    if (!x.taken.length) return move(x, 'Settled') // 空单: nothing taken, nothing charged
    const items = x.taken.map((t) => ({
      name: t.item.name,
      imageUrl: t.item.imageUrl,
      quantity: t.quantity,
      unitPriceFen: t.item.unit_price_fen,
      amountFen: t.item.unit_price_fen * t.quantity,
    }))
    const totalFen = items.reduce((n, i) => n + i.amountFen, 0)
    const pieces = items.reduce((n, i) => n + i.quantity, 0)
    const o = {
      orderNo: newOrderNo(),
      openid: x.openid,
      sessionNo: x.sessionNo,
      deviceCode: x.deviceCode,
      storeName: stores.get(devices.get(x.deviceCode).storeCode).storeName,
      paymentMethod: x.paymentMethod,
      orderTime: new Date().toISOString(),
      paymentTime: null,
      items,
      totalFen,
      ticketsUsed: 0,
      wxFen: 0,
      status: 'Unpaid',
      failure: null,
      held: totalFen > ORDER_AMOUNT_LIMIT_FEN || pieces > ITEM_COUNT_LIMIT,
      attempts: [], // out_trade_no of its JSAPI attempts, oldest first
      payScore: x.paymentMethod === 'PayScore' ? 'DOING' : null, // the service order: DOING → DEDUCTED | PAID_ELSEWHERE
    }
    orders.set(o.orderNo, o)
    x.orderNo = o.orderNo
    if (!o.held) charge(o)
    move(x, 'Settled')
  }

  function charge(o) {
    if (o.paymentMethod === 'Tickets') {
      const customer = customerOf(o.openid)
      const coveredFen = Math.min(o.totalFen, Math.floor(Math.max(0, customer.ticketBalance) / TICKETS_PER_FEN))
      o.ticketsUsed = coveredFen * TICKETS_PER_FEN
      if (o.ticketsUsed > 0) postTickets(customer, 'Payment', -o.ticketsUsed, '订单 ' + o.orderNo + ' 礼票支付', '系统', o.orderNo)
      const wechatFen = o.totalFen - coveredFen
      if (wechatFen === 0) markPaid(o, 0, new Date().toISOString())
      else o.failure = '礼票余额不足，剩余 ¥' + money(wechatFen) + ' 需微信支付'
      return
    }
    // Pay Score: the service order is completed with the amount; WeChat deducts on its own and says so
    // (PAYSCORE.USER_PAID) a moment later, unless the sandbox makes deductions fail.
    o.status = 'Paying'
    const deduct = () => {
      if (o.payScore !== 'DOING') return // paid elsewhere: Pay Score was told to stop
      if (wechatPayFaults.deductionsFail) return later(PUSH_DELAY_MS, deduct) // WeChat keeps trying
      o.payScore = 'DEDUCTED'
      if (o.status !== 'Paid') markPaid(o, o.totalFen, new Date().toISOString())
    }
    later(PUSH_DELAY_MS, deduct)
  }

  // A JSAPI payment WeChat took (its notification, or the server's query): the order is paid by it.
  function applyTransaction(tx) {
    const o = orders.get(tx.orderNo)
    if (o.status === 'Paid') return // collected twice: the real server refunds this one
    markPaid(o, tx.amountFen, tx.successTime)
    if (o.payScore === 'DOING') o.payScore = 'PAID_ELSEWHERE' // Pay Score is told, and stops deducting
  }

  // 去支付 by JSAPI: the attempt in progress is resumed (a fresh prepay id for the same out_trade_no),
  // unless it is for another amount, when it is closed and a new one issued.
  function jsapiPayment(o, due) {
    let tx = o.attempts.length ? transactions.get(o.attempts[o.attempts.length - 1]) : null
    if (tx && tx.state === 'SUCCESS') {
      applyTransaction(tx)
      return null
    }
    if (tx && tx.state === 'NOTPAY' && tx.amountFen !== due) tx.state = 'CLOSED'
    if (!tx || tx.state !== 'NOTPAY') {
      tx = { outTradeNo: o.orderNo + '-' + (o.attempts.length + 1), orderNo: o.orderNo, amountFen: due, state: 'NOTPAY', transactionId: null, successTime: null }
      transactions.set(tx.outTradeNo, tx)
      o.attempts.push(tx.outTradeNo)
    }
    tx.prepayId = 'wx' + Date.now() + randomText(8)
    return {
      timeStamp: nowSeconds(),
      nonceStr: randomText(16),
      package: 'prepay_id=' + tx.prepayId,
      signType: 'RSA',
      paySign: crypto.randomBytes(256).toString('base64'),
    }
  }

  // WeChat's Pay Score order page for an order it is still deducting (wx.openBusinessView arguments).
  const payScoreDetailPage = (o) => ({
    businessType: 'wxpayScoreDetail',
    extraData: {
      mch_id: MCH_ID,
      service_id: SERVICE_ID,
      out_order_no: o.sessionNo,
      timestamp: nowSeconds(),
      nonce_str: randomText(16),
      sign_type: 'HMAC-SHA256',
      sign: randomText(32).toUpperCase(),
    },
  })

  // The sandbox customer pays a JSAPI order in WeChat: SUCCESS at once, the notification a moment later.
  function payInWechat(res, tx) {
    if (!tx) return problem(res, 404, 'not-found', '没有该支付订单')
    if (tx.state !== 'NOTPAY') return problem(res, 409, 'conflict', '该订单无法支付（已支付或已关闭）')
    tx.state = 'SUCCESS'
    tx.transactionId = '4200' + Date.now() + randomText(4)
    tx.successTime = new Date().toISOString()
    later(PUSH_DELAY_MS, () => applyTransaction(tx))
    send(res, 200, { out_trade_no: tx.outTradeNo, transaction_id: tx.transactionId, trade_type: 'JSAPI', trade_state: 'SUCCESS', amount: { total: tx.amountFen, currency: 'CNY' } })
  }

  // The oldest order the customer still has to pay (held ones wait for staff instead).
  const unpaidOf = (openid) =>
    [...orders.values()].filter((o) => o.openid === openid && !o.held && (o.status === 'Unpaid' || o.status === 'Failed'))[0] || null

  const shelfJson = (code) => {
    const x = activeFor((s) => s.deviceCode === code && s.status === 'Opened' && !s.doorClosed)
    const item = (i) => ({ sku_code: i.sku_code, barcode: i.barcode, name: i.name, unit_price_fen: i.unit_price_fen })
    return {
      device_code: code,
      shelf: SHELF.map(item),
      taken: x ? x.taken.map((t) => Object.assign(item(t.item), { quantity: t.quantity })) : [],
    }
  }

  const myOrder = (res, openid, no) => {
    const o = orders.get(no)
    if (o && o.openid === openid) return o
    problem(res, 404, 'order-not-found', '订单不存在') // another customer's order: exactly like an unknown one
    return null
  }

  function precheck(openid, deviceCode) {
    const customer = customerOf(openid)
    const device = devices.get(deviceCode)
    const store = device && stores.get(device.storeCode)
    const minimum = store ? MIN_TICKETS : 0
    const mine = activeFor((x) => x.openid === openid)
    const unpaid = unpaidOf(openid)
    const refusal = !device ? ['device-not-found', '找不到该柜子，请重新扫码']
      : unpaid ? ['unpaid-order', '您有未支付的订单，请先完成支付']
      : mine ? ['customer-active-session', '您有正在进行的购物，请先关门结算']
      : !device.online ? ['device-offline', '柜子离线，请稍后再试或更换柜子']
      : activeFor((x) => x.deviceCode === deviceCode) ? ['device-busy', '柜子正在被其他顾客使用，请稍候']
      : null
    const tickets = customer.ticketBalance >= minimum
      ? { method: 'Tickets', label: '礼票', available: true, reasonCode: null, reason: null, needsAuthorization: false }
      : { method: 'Tickets', label: '礼票', available: false, reasonCode: 'tickets-insufficient', reason: '礼票余额不足（至少需要 ' + minimum + ' 张）', needsAuthorization: false }
    const payScore = customer.payScore === 'Authorized'
      ? { method: 'PayScore', label: '微信支付分', available: true, reasonCode: null, reason: null, needsAuthorization: false }
      : { method: 'PayScore', label: '微信支付分', available: false, reasonCode: 'payscore-unauthorized', reason: '请先开通微信支付分（免押金，先用后付）', needsAuthorization: true }
    const methods = [payScore, tickets]
    const canOpen = !refusal && methods.some((m) => m.available)
    const [code, message] = refusal || (canOpen ? [null, null] : ['no-payment-method', '没有可用的支付方式'])
    return {
      canOpen,
      refusalCode: code,
      refusalMessage: message,
      device: device ? { deviceCode, storeCode: store.storeCode, storeName: store.storeName, online: device.online } : null,
      methods,
      ticketBalance: customer.ticketBalance,
      minTicketBalance: minimum,
      unpaidOrder: unpaid ? { orderNo: unpaid.orderNo, totalAmount: yuanOf(unpaid.totalFen), orderTime: unpaid.orderTime } : null,
      activeSessionNo: mine ? mine.sessionNo : null,
      payScoreServiceOrders: true,
    }
  }

  // A customer-facing refusal: 404 for an unknown cabinet, 409 otherwise (as the server does).
  const refuse = (res, code, message) => problem(res, code === 'device-not-found' ? 404 : 409, code, message)
  const view = (c) => ({
    phoneBound: !!c.phone,
    maskedPhone: c.phone ? c.phone.slice(0, 3) + '****' + c.phone.slice(-4) : null,
    ticketBalance: c.ticketBalance,
  })

  const send = (res, status, body, type = 'application/json; charset=utf-8') => {
    res.writeHead(status, { 'Content-Type': type })
    res.end(JSON.stringify(body))
  }
  const problem = (res, status, slug, title, errors) =>
    send(res, status, Object.assign({ type: PROBLEM_BASE + slug, title, status, code: slug }, errors ? { errors } : {}),
      'application/problem+json; charset=utf-8')

  const bearer = (req) => {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization || '')
    const t = m && tokens.get(m[1])
    return t && t.expires > Date.now() ? t.openid : null
  }

  const validCode = (res, body) => {
    const code = body && body.deviceCode
    if (typeof code === 'string' && CODE_RE.test(code)) return code
    problem(res, 400, 'validation', '请求参数有误', { DeviceCode: ['设备编号格式不正确'] })
    return null
  }

  // Routes with a path parameter: [method, regex, handler(req, res, body, ...groups)].
  const paramRoutes = [
    ['GET', /^\/api\/mp\/stores\/([^/]+)\/cabinets$/, (req, res, body, code) => {
      if (!bearer(req)) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const store = stores.get(code)
      if (!store) return problem(res, 404, 'store-not-found', '找不到该门店，请重新扫码')
      const cabinets = [...devices.values()].filter((d) => d.storeCode === code).map((d) => {
        const busy = !!activeFor((x) => x.deviceCode === d.deviceCode)
        return { deviceCode: d.deviceCode, available: d.online && !busy, stateLabel: !d.online ? '离线' : busy ? '使用中' : '可使用' }
      })
      send(res, 200, { storeCode: store.storeCode, storeName: store.storeName, address: store.address, cabinets })
    }],
    ['GET', /^\/api\/mp\/sessions\/([^/]+)$/, (req, res, body, no) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const x = sessions.get(no)
      if (!x || x.openid !== openid) return problem(res, 404, 'not-found', '开门会话不存在')
      send(res, 200, sessionView(x))
    }],
    // WeChat Pay sandbox controls: the customer agrees on WeChat's page (a token from the
    // authorization endpoint is needed) or revokes in WeChat; our side learns it by notification.
    ['POST', /^\/sandbox\/wechatpay\/users\/([^/]+)\/authorize$/, (req, res, body, openid) => {
      const token = new URLSearchParams(req.url.split('?')[1] || '').get('token')
      if (!token || !applyTokens.has(token)) return problem(res, 409, 'conflict', '没有有效的授权令牌：请先在小程序中发起开通')
      wechatPayUsers.set(openid, 'AVAILABLE')
      payScoreNotice(openid, 'Authorized')
      send(res, 200, { openid, state: 'AVAILABLE' })
    }],
    ['POST', /^\/sandbox\/wechatpay\/users\/([^/]+)\/revoke$/, (req, res, body, openid) => {
      if (wechatPayUsers.get(openid) !== 'AVAILABLE') return problem(res, 409, 'conflict', '该用户未授权')
      wechatPayUsers.set(openid, 'UNAVAILABLE')
      payScoreNotice(openid, 'Revoked')
      send(res, 200, { openid, state: 'UNAVAILABLE' })
    }],
    // Xiaomai sandbox control: close the open door; the door.closed push arrives a moment later.
    ['POST', /^\/sandbox\/xiaomai\/devices\/([^/]+)\/close$/, (req, res, body, code) => {
      const x = activeFor((s) => s.deviceCode === code && s.status === 'Opened' && !s.doorClosed)
      if (!x) return problem(res, 409, 'conflict', '该柜子没有打开的门')
      x.doorClosed = true
      later(PUSH_DELAY_MS, () => {
        move(x, 'Closed')
        later(RECOGNITION_MS, () => settle(x)) // the vendor's order.completed
      })
      send(res, 200, { device_code: code, door_state: 'CLOSED_LOCKED' })
    }],
    ['GET', /^\/sandbox\/xiaomai\/devices\/([^/]+)\/shelf$/, (req, res, body, code) => {
      if (!devices.has(code)) return problem(res, 404, 'not-found', '模拟器中没有该设备')
      send(res, 200, shelfJson(code))
    }],
    // The person at the open cabinet takes (quantity > 0) or puts back (< 0) a product.
    ['POST', /^\/sandbox\/xiaomai\/devices\/([^/]+)\/take$/, (req, res, body, code) => {
      if (!devices.has(code)) return problem(res, 404, 'not-found', '模拟器中没有该设备')
      const q = new URLSearchParams(req.url.split('?')[1] || '')
      const quantity = q.has('quantity') ? Number(q.get('quantity')) : 1
      if (!Number.isInteger(quantity)) return problem(res, 400, 'validation', '请求参数有误', { quantity: ['数量须为整数'] })
      const x = activeFor((s) => s.deviceCode === code && s.status === 'Opened' && !s.doorClosed)
      if (!x) return problem(res, 409, 'conflict', '柜门没有打开')
      const item = SHELF.find((i) => i.sku_code === q.get('sku'))
      if (!item) return problem(res, 409, 'conflict', '该柜子没有这个商品')
      const index = x.taken.findIndex((t) => t.item === item)
      const now = (index < 0 ? 0 : x.taken[index].quantity) + quantity
      if (now < 0) return problem(res, 409, 'conflict', '没有拿过这么多件')
      if (now > MAX_TAKEN_PER_PRODUCT) return problem(res, 409, 'conflict', '每个商品最多拿 ' + MAX_TAKEN_PER_PRODUCT + ' 件')
      if (index < 0) x.taken.push({ item, quantity: now })
      else if (now === 0) x.taken.splice(index, 1)
      else x.taken[index].quantity = now
      send(res, 200, shelfJson(code))
    }],
    ['GET', /^\/api\/mp\/orders\/([^/]+)$/, (req, res, body, no) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const o = myOrder(res, openid, no)
      if (o) send(res, 200, orderDetail(o))
    }],
    ['POST', /^\/api\/mp\/orders\/([^/]+)\/pay$/, (req, res, body, no) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const method = body && body.method
      if (method !== undefined && method !== null && method !== '' && method !== 'jsapi') {
        return problem(res, 400, 'validation', '请求参数有误', { method: ['支付方式只能为 jsapi 或留空'] })
      }
      const o = myOrder(res, openid, no)
      if (!o) return
      if (o.held) return problem(res, 409, 'order-held', '订单审核中，暂不能支付')
      if (o.status === 'Paid') return problem(res, 409, 'order-paid', '订单已支付')
      const due = dueFen(o)
      if (due <= 0 || o.status === 'Cancelled') return problem(res, 409, 'order-not-payable', '订单无需支付')
      // A Pay Score order WeChat is still deducting is paid on WeChat's own page (it cannot charge twice).
      if (method !== 'jsapi' && o.status === 'Paying' && o.payScore === 'DOING') {
        return send(res, 200, { kind: 'payscore-page', requestPayment: null, payScorePage: payScoreDetailPage(o), order: orderDetail(o) })
      }
      const requestPayment = jsapiPayment(o, due)
      if (!requestPayment) return problem(res, 409, 'order-paid', '订单已支付')
      send(res, 200, { kind: 'jsapi', requestPayment, payScorePage: null, order: orderDetail(o) })
    }],
    // Back from the payment: the server asks WeChat now and applies what it learns.
    ['POST', /^\/api\/mp\/orders\/([^/]+)\/payment-check$/, (req, res, body, no) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const o = myOrder(res, openid, no)
      if (!o) return
      if (o.status !== 'Paid') {
        o.attempts.map((t) => transactions.get(t)).filter((tx) => tx.state === 'SUCCESS').forEach(applyTransaction)
      }
      send(res, 200, orderDetail(o))
    }],
    // 发放（正数）或扣减（负数）礼票, with a reason: the customer's detail with its balance after.
    ['POST', /^\/api\/admin\/customers\/(\d+)\/tickets$/, (req, res, body, id) => {
      if (!staffSignedIn(req)) return problem(res, 401, 'unauthenticated', '请先登录')
      const amount = body && body.amount
      const reason = body && typeof body.reason === 'string' ? body.reason : ''
      if (amount === undefined || amount === null) return problem(res, 400, 'validation', '请求参数有误', { amount: ['请输入礼票数量'] })
      if (!Number.isInteger(amount)) return problem(res, 400, 'validation', '请求参数有误', { amount: ['礼票数量须为整数'] })
      const invalid = amount === 0 ? ['amount', '礼票数量不能为 0']
        : Math.abs(amount) > MAX_TICKET_MOVEMENT ? ['amount', '单次调整不能超过 ' + MAX_TICKET_MOVEMENT + ' 张']
        : !reason.trim() ? ['reason', '请填写原因']
        : reason.trim().length > 200 ? ['reason', '原因不能超过 200 个字']
        : null
      if (invalid) return problem(res, 400, 'validation', '请求参数有误', { [invalid[0]]: [invalid[1]] })
      const c = [...customers.values()].find((x) => x.id === Number(id))
      if (!c) return problem(res, 404, 'not-found', '用户不存在')
      if (c.ticketBalance + amount < 0) return problem(res, 409, 'tickets-insufficient', '礼票余额不足')
      postTickets(c, amount > 0 ? 'Grant' : 'Adjustment', amount, reason, STAFF.userName, null)
      send(res, 200, customerDetail(c))
    }],
    ['POST', /^\/sandbox\/wechatpay\/transactions\/([^/]+)\/pay$/, (req, res, body, outTradeNo) => {
      payInWechat(res, transactions.get(outTradeNo))
    }],
    ['POST', /^\/sandbox\/wechatpay\/prepay\/([^/]+)\/pay$/, (req, res, body, prepayId) => {
      payInWechat(res, [...transactions.values()].find((tx) => tx.prepayId === prepayId))
    }],
  ]

  const routes = {
    'POST /sandbox/wechat/login-codes': (req, res, body) => {
      const openid = (body && body.openid) || DEMO_OPENID
      const code = newCode()
      loginCodes.set(code, openid)
      send(res, 200, { code, openid })
    },
    'POST /sandbox/wechat/phone-codes': (req, res, body) => {
      const code = newCode()
      phoneCodes.set(code, (body && body.phone) || '13800000000')
      send(res, 200, { code })
    },
    'POST /api/mp/auth/login': (req, res, body) => {
      const code = body && body.code
      if (!code) return problem(res, 400, 'validation', '请求参数有误', { code: ['请提供登录凭证'] })
      const openid = loginCodes.get(code)
      if (!openid) return problem(res, 401, 'wechat-login-failed', '微信登录失败，请重试')
      loginCodes.delete(code)
      const token = crypto.randomBytes(24).toString('base64url')
      const expires = Date.now() + 2 * 3600 * 1000
      tokens.set(token, { openid, expires })
      const customer = customerOf(openid) // created by its first login, with no tickets
      customer.lastLoginAt = new Date().toISOString()
      send(res, 200, { token, expiresAt: new Date(expires).toISOString(), customer: view(customer) })
    },
    // Staff sign-in: the session cookie (HttpOnly, SameSite=Strict) the admin API is called with.
    'POST /api/admin/auth/login': (req, res, body) => {
      const userName = body && typeof body.userName === 'string' ? body.userName : ''
      const password = body && typeof body.password === 'string' ? body.password : ''
      if (!userName || !password) {
        return problem(res, 400, 'validation', '请求参数有误', Object.assign({}, userName ? {} : { UserName: ['请输入用户名'] }, password ? {} : { Password: ['请输入密码'] }))
      }
      if (userName.trim() !== STAFF.userName || password !== STAFF.password) return problem(res, 401, 'sign-in-failed', '用户名或密码错误')
      const cookie = crypto.randomBytes(24).toString('base64url')
      staffCookies.add(cookie)
      res.setHeader('Set-Cookie', STAFF_COOKIE + '=' + cookie + '; path=/; samesite=strict; httponly')
      send(res, 200, { id: STAFF.id, userName: STAFF.userName, roleCode: STAFF.roleCode, roleName: STAFF.roleName })
    },
    // 用户列表, newest first (page ≥ 1, pageSize clamped to 1–100 as the server does).
    'GET /api/admin/customers': (req, res) => {
      if (!staffSignedIn(req)) return problem(res, 401, 'unauthenticated', '请先登录')
      const q = new URLSearchParams(req.url.split('?')[1] || '')
      const int = (name, fallback) => (q.has(name) && Number.isInteger(Number(q.get(name))) ? Number(q.get(name)) : fallback)
      const page = Math.max(1, int('page', 1))
      const pageSize = Math.min(100, Math.max(1, int('pageSize', 20)))
      const all = [...customers.values()].sort((a, b) => b.id - a.id)
      send(res, 200, { items: all.slice((page - 1) * pageSize, page * pageSize).map(customerRow), total: all.length, page, pageSize })
    },
    'POST /api/mp/precheck': (req, res, body) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const code = validCode(res, body)
      if (code) send(res, 200, precheck(openid, code))
    },
    'POST /api/mp/sessions': (req, res, body) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const code = validCode(res, body)
      if (!code) return
      const key = body.idempotencyKey
      if (typeof key !== 'string' || !KEY_RE.test(key)) {
        return problem(res, 400, 'validation', '请求参数有误', { IdempotencyKey: ['幂等键为 8-64 位字母、数字、_ 或 -'] })
      }
      if (body.paymentMethod !== 'Tickets' && body.paymentMethod !== 'PayScore') {
        return problem(res, 400, 'validation', '请求参数有误', { PaymentMethod: ['请选择支付方式'] })
      }
      // The same key answers the session it already made: a double tap opens the door once.
      const existing = [...sessions.values()].find((x) => x.openid === openid && x.key === key)
      if (existing) return send(res, 200, sessionView(existing))
      const check = precheck(openid, code)
      if (check.refusalCode && check.refusalCode !== 'no-payment-method') return refuse(res, check.refusalCode, check.refusalMessage)
      const method = check.methods.find((m) => m.method === body.paymentMethod)
      if (!method.available) return refuse(res, method.reasonCode, method.reason)
      const x = {
        sessionNo: 'DS' + Date.now() + crypto.randomBytes(3).toString('hex').toUpperCase(),
        openid,
        deviceCode: code,
        paymentMethod: body.paymentMethod,
        key,
        status: 'Opening',
        taken: [], // [{item, quantity}] while the door is open
        orderNo: null,
        createdAt: new Date().toISOString(),
      }
      sessions.set(x.sessionNo, x)
      later(DOOR_PULL_MS, () => move(x, 'Opened')) // the vendor's door.opened push
      send(res, 200, sessionView(x))
    },
    'POST /api/mp/payscore/authorization': (req, res) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const token = 'sandbox-apt-' + crypto.randomBytes(12).toString('hex').toUpperCase()
      applyTokens.set(token, openid)
      send(res, 200, { businessType: 'wxpayScoreEnable', extraData: { apply_permissions_token: token } })
    },
    'POST /api/mp/payscore/authorization/refresh': (req, res) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const wechat = wechatPayUsers.get(openid)
      const c = customerOf(openid)
      c.payScore = wechat === 'AVAILABLE' ? 'Authorized' : wechat === 'UNAVAILABLE' ? 'Revoked' : 'Unknown'
      c.payScoreAt = new Date().toISOString()
      send(res, 200, { state: c.payScore, label: PAYSCORE_LABELS[c.payScore], at: c.payScoreAt })
    },
    'GET /api/mp/orders': (req, res) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthenticated', '登录已失效，请重新登录')
      const q = new URLSearchParams(req.url.split('?')[1] || '')
      const page = q.has('page') ? Number(q.get('page')) : 1
      const pageSize = q.has('pageSize') ? Number(q.get('pageSize')) : 20
      if (!Number.isInteger(page) || page < 1) return problem(res, 400, 'validation', '请求参数有误', { page: ['页码从 1 开始'] })
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50) {
        return problem(res, 400, 'validation', '请求参数有误', { pageSize: ['每页 1–50 条'] })
      }
      const mine = [...orders.values()].filter((o) => o.openid === openid).reverse() // newest first
      send(res, 200, { items: mine.slice((page - 1) * pageSize, page * pageSize).map(orderSummary), total: mine.length, page, pageSize })
    },
    'POST /sandbox/wechatpay/faults': (req, res) => {
      const q = new URLSearchParams(req.url.split('?')[1] || '')
      if (q.has('deductionsFail')) wechatPayFaults.deductionsFail = q.get('deductionsFail') === 'true'
      send(res, 200, { deductions_fail: wechatPayFaults.deductionsFail })
    },
    'GET /api/mp/me': (req, res) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthorized', '请先登录')
      send(res, 200, view(customerOf(openid)))
    },
    'POST /api/mp/me/phone': (req, res, body) => {
      const openid = bearer(req)
      if (!openid) return problem(res, 401, 'unauthorized', '请先登录')
      const code = body && body.code
      if (!code) return problem(res, 400, 'validation', '请求参数有误', { code: ['请提供手机号授权凭证'] })
      const phone = phoneCodes.get(code)
      if (!phone) return problem(res, 422, 'phone-code-invalid', '手机号验证失败，请重新授权')
      phoneCodes.delete(code)
      const c = customerOf(openid)
      c.phone = phone
      send(res, 200, view(c))
    },
  }

  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const path = req.url.split('?')[0]
      let handler = routes[req.method + ' ' + path]
      if (!handler) {
        for (const [method, re, fn] of paramRoutes) {
          const m = method === req.method && re.exec(path)
          if (m) {
            let args
            try {
              args = m.slice(1).map(decodeURIComponent)
            } catch (e) {
              break // a malformed %-escape: no such resource
            }
            handler = (rq, rs, body) => fn(rq, rs, body, ...args)
            break
          }
        }
      }
      if (!handler) return problem(res, 404, 'not-found', '接口不存在')
      let body = null
      const text = Buffer.concat(chunks).toString('utf8')
      if (text) {
        try {
          body = JSON.parse(text)
        } catch (e) {
          return problem(res, 400, 'bad-json', '请求格式错误')
        }
      }
      handler(req, res, body)
    })
  })

  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      resolve({
        baseUrl: 'http://127.0.0.1:' + port,
        close: () => {
          timers.forEach((t) => clearTimeout(t))
          timers.clear()
          return new Promise((r) => server.close(() => r()))
        },
      })
    })
  })
}

module.exports = { startStubServer, openIdFor }
