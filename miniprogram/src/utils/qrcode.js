// Cabinet and store QR codes encode an HTTPS URL: https://{host}/d/{device_code} or
// https://{host}/s/{store_code} (DESIGN §4). The same parser serves both entry routes:
//   - scanned with the WeChat camera: onLoad(query) gets query.q = the URL, URL-encoded once;
//   - scanned in-app: wx.scanCode's res.result = the URL as printed.
// The mini-program runtime has no URL/URLSearchParams, hence regular expressions.

// scheme://host[:port] then the path; query string and fragment are ignored.
const URL_RE = /^https?:\/\/[^\/?#\s]+(\/[^?#\s]*)?(?:[?#]\S*)?$/i
// One path segment after /d/ or /s/, an optional trailing slash.
const PATH_RE = /^\/(d|s)\/([A-Za-z0-9_-]{1,64})\/?$/

const TYPES = { d: 'device', s: 'store' }

// query.q is missing when the page was opened another way; some entry routes pass the literal
// string "undefined" (miniprogram-login.md §4.1).
function decodeQ(q) {
  if (typeof q !== 'string') return null
  const trimmed = q.trim()
  if (!trimmed || trimmed === 'undefined' || trimmed === 'null') return null
  try {
    return decodeURIComponent(trimmed) // decode once: the URL's own escapes stay intact
  } catch (e) {
    return null // malformed %-escape
  }
}

// Returns { type: 'device' | 'store', code } or null when the text is not one of our codes.
function parseEntryUrl(text) {
  if (typeof text !== 'string') return null
  const m = URL_RE.exec(text.trim())
  if (!m) return null
  const p = PATH_RE.exec(m[1] || '/')
  if (!p) return null
  return { type: TYPES[p[1].toLowerCase()], code: p[2] }
}

// onLoad(query) helper: null when no QR entry or when q is not ours.
function parseEntryQuery(query) {
  const url = decodeQ(query && query.q)
  return url === null ? null : parseEntryUrl(url)
}

module.exports = {
  decodeQ: decodeQ,
  parseEntryUrl: parseEntryUrl,
  parseEntryQuery: parseEntryQuery,
}
