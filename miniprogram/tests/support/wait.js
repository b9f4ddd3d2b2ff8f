// Waits for the page's data to satisfy pred, re-checking after every setData (no sleeps),
// with a deadline (docs/notes/miniprogram-testing.md).
const waitForData = (page, pred, ms = 3000) =>
  new Promise((resolve, reject) => {
    const inst = page.instance
    const orig = inst.setData
    if (pred(inst.data)) return resolve(inst.data)
    const t = setTimeout(() => {
      inst.setData = orig
      reject(new Error('timeout waiting for page data: ' + JSON.stringify(inst.data)))
    }, ms)
    inst.setData = function (d, cb) {
      orig.call(this, d, cb)
      if (pred(inst.data)) {
        clearTimeout(t)
        inst.setData = orig
        resolve(inst.data)
      }
    }
  })

module.exports = { waitForData }
