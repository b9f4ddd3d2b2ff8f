// WeChat's own pages (wx.openBusinessView: Pay Score 开通, 确认订单, and the Pay Score order page of
// 去支付) report the customer's return twice: the API's success / fail callback, and this page's next
// onShow. Nothing documents which comes first, and neither proves what the customer did there, so a
// page asks the server on whichever comes first, once per opening. This is that bookkeeping, shared by
// the device, session and order pages.
//
//   const returns = createReturnTracker()        // per page visit (onLoad)
//   const attempt = returns.next()                // a tap that will open WeChat's page
//   returns.leave(attempt)                        // WeChat's page is being opened: its return is due
//   returns.back(attempt, () => askServer())      // callback path; runs askServer at most once
//   onShow() { return returns.shown((a) => this.afterX(a)) }   // the other path
//
// back() answers a return already handled with the promise of the handling, so both paths can await
// the same server answer.
function createReturnTracker() {
  let latest = 0 // the newest attempt: an older one's late callback must not toast over it
  let awaiting = 0 // the attempt whose return is not handled yet (0 = none)
  let handling = null // the server call of the last handled return

  return {
    next() {
      latest += 1
      return latest
    },
    isLatest(attempt) {
      return attempt === latest
    },
    leave(attempt) {
      awaiting = attempt
    },
    pending() {
      return awaiting
    },
    back(attempt, handle) {
      if (!attempt || awaiting !== attempt) return handling || Promise.resolve()
      awaiting = 0
      handling = Promise.resolve(handle())
      return handling
    },
    shown(handle) {
      return awaiting ? handle(awaiting) : Promise.resolve()
    },
  }
}

module.exports = { createReturnTracker }
