// Loads a page of the mini-program with miniprogram-simulate. jest's require cache ignores
// deletes, so a page can be load()ed only once per test file: call loadPage once at file level
// and renderPage once per test.
const path = require('path')
const simulate = require('miniprogram-simulate')

const SRC = path.join(__dirname, '..', '..', 'src') // = miniprogramRoot

function loadPage(name) {
  return simulate.load(path.join(SRC, name), { rootPath: SRC })
}

function renderPage(id) {
  const page = simulate.render(id)
  page.attach(document.createElement('parent-wrapper'))
  return page
}

const text = (page, selector) => {
  const el = page.querySelector(selector)
  return el ? el.dom.textContent.trim() : null
}

// '/pages/device/device?deviceCode=SZ001-D02' → { deviceCode: 'SZ001-D02' }, as WeChat passes
// a navigateTo / redirectTo query to the next page's onLoad.
function queryOf(url) {
  const m = /\?(.*)$/.exec(url)
  const query = {}
  if (!m) return query
  m[1].split('&').forEach((pair) => {
    const i = pair.indexOf('=')
    query[decodeURIComponent(pair.slice(0, i))] = decodeURIComponent(pair.slice(i + 1))
  })
  return query
}

module.exports = { simulate, loadPage, renderPage, text, queryOf, SRC }
