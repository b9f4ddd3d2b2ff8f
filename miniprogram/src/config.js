// The ONE place that knows where the CabinetOps server lives and how often pages poll.
// It is a plain mutable object on purpose: tests (and a future per-environment build step)
// change fields in place, and every module reads them at call time, so a change made after
// the modules were required still takes effect.
//
// Default = the embedded default server started by `dotnet run` (http://127.0.0.1:5080).
// WeChat DevTools only reaches it with "不校验合法域名" (urlCheck:false) in
// project.private.config.json; a real phone needs an HTTPS domain configured in the mp console.
const config = {
  baseUrl: 'http://127.0.0.1:5080',
  // Door-session status polling (pages/session): the first wait between two polls, grown by
  // pollBackoff while nothing changes up to pollMaxIntervalMs, and back to the first wait after a
  // change (the next move often follows quickly: the door is pulled about 1 s after it unlocks,
  // while the customer may shop for minutes). Tests set 0 (unit) or 20 (E2E).
  pollIntervalMs: 1000,
  pollMaxIntervalMs: 5000,
  pollBackoff: 1.5,
  // Per-request timeout for wx.request; WeChat's own default (60 s) is far too long for a
  // customer standing in front of a cabinet.
  requestTimeoutMs: 15000,
  // Per-upload timeout for wx.uploadFile (complaint photos, up to 5 MB): a photo on a weak mobile
  // connection needs longer than a JSON call, and the customer sees it uploading meanwhile.
  uploadTimeoutMs: 60000,
  // A token this close to its expiry is treated as expired so it cannot lapse mid-request.
  tokenRefreshSkewMs: 60 * 1000,
}

module.exports = config
