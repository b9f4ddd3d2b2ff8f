using System.Net;
using System.Text;
using CabinetOps.Sandbox.Wechat;

namespace CabinetOps.Sandbox.Console;

/// <summary>
/// 模拟顾客: the console drives the same <c>/api/mp/*</c> calls the mini-program makes (login with a
/// simulator code, precheck, open, follow the session), so the whole scan-to-open flow can be shown
/// in a browser without WeChat. It holds nothing: the token lives in the page.
/// </summary>
internal static class CustomerPanel
{
    public static string Render()
    {
        var options = new StringBuilder();
        foreach (var c in WechatSimulator.DemoCustomers)
            options.Append($"<option value=\"{WebUtility.HtmlEncode(c.OpenId)}\">{WebUtility.HtmlEncode(c.Alias)}（{WebUtility.HtmlEncode(c.Phone)}）</option>");
        return $$"""
            <h2>模拟顾客（扫码开门）</h2>
            <div id="mc">
              <p><label>顾客 <select id="mc-customer">{{options}}</select></label> <button id="mc-login">登录</button> <span id="mc-who">未登录</span></p>
              <p><label>柜子编号 <input id="mc-device" value="SZ001-D01"></label> <button id="mc-precheck">扫码</button>
                 <button id="mc-open" disabled>用礼票开门</button> <button id="mc-open-ps" disabled>用微信支付分开门</button> <button id="mc-close">关门</button></p>
              <p><button id="mc-payscore">开通微信支付分</button> <span id="mc-ps">—</span></p>
              <p>检查结果：<span id="mc-check">—</span></p>
              <p>会话：<span id="mc-session">—</span>　柜门：<span id="mc-door">—</span></p>
            </div>
            <script>
            (() => {
              const $ = id => document.getElementById(id);
              let token = null, key = null, poll = null;
              const show = (id, text) => { $(id).textContent = text; };
              async function call(method, path, body, auth) {
                const headers = { 'Content-Type': 'application/json' };
                if (auth) headers.Authorization = 'Bearer ' + token;
                const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
                const text = await res.text();
                const json = text ? JSON.parse(text) : null;
                if (!res.ok) throw new Error((json && (json.title || json.message)) || ('HTTP ' + res.status));
                return json;
              }
              async function door() {
                const devices = await call('GET', '/sandbox/xiaomai/devices');
                const d = devices.find(x => x.device_code === $('mc-device').value.trim());
                show('mc-door', d ? (d.doors[0].state === 'OPEN' ? '已打开' : d.doors[0].state === 'CLOSED_LOCKED' ? '已关闭上锁' : d.doors[0].state) : '—');
              }
              $('mc-login').onclick = async () => {
                try {
                  const minted = await call('POST', '/sandbox/wechat/login-codes', { openid: $('mc-customer').value });
                  const login = await call('POST', '/api/mp/auth/login', { code: minted.code });
                  token = login.token;
                  show('mc-who', '已登录，礼票余额 ' + login.customer.ticketBalance);
                } catch (e) { show('mc-who', '登录失败：' + e.message); }
              };
              $('mc-precheck').onclick = async () => {
                if (!token) { show('mc-check', '请先登录'); return; }
                try {
                  const r = await call('POST', '/api/mp/precheck', { deviceCode: $('mc-device').value.trim() }, true);
                  const methods = r.methods.map(m => m.label + (m.available ? '可用' : '不可用（' + m.reason + '）')).join('；');
                  show('mc-check', (r.canOpen ? '可以开门' : '不能开门：' + r.refusalMessage) + '。' + methods);
                  $('mc-open').disabled = !r.methods.some(m => m.method === 'Tickets' && m.available) || !r.canOpen;
                  $('mc-open-ps').disabled = !r.methods.some(m => m.method === 'PayScore' && m.available) || !r.canOpen;
                  key = 'console-' + Date.now() + '-' + Math.random().toString(36).slice(2, 10);
                  await door();
                } catch (e) { show('mc-check', '检查失败：' + e.message); }
              };
              // Plays both sides of WeChat's authorisation page: the mini-program asks for a token, the
              // customer agrees (the WeChat Pay simulator notifies the server), the page asks the server again.
              $('mc-payscore').onclick = async () => {
                if (!token) { show('mc-ps', '请先登录'); return; }
                try {
                  const page = await call('POST', '/api/mp/payscore/authorization', null, true);
                  await call('POST', '/sandbox/wechatpay/users/' + encodeURIComponent($('mc-customer').value) + '/authorize?token='
                    + encodeURIComponent(page.extraData.apply_permissions_token));
                  const state = await call('POST', '/api/mp/payscore/authorization/refresh', null, true);
                  show('mc-ps', '支付分：' + state.label);
                } catch (e) { show('mc-ps', '开通失败：' + e.message); }
              };
              const open = method => async () => {
                try {
                  let s = await call('POST', '/api/mp/sessions', { deviceCode: $('mc-device').value.trim(), paymentMethod: method, idempotencyKey: key + '-' + method }, true);
                  show('mc-session', s.statusLabel);
                  clearInterval(poll);
                  poll = setInterval(async () => {
                    s = await call('GET', '/api/mp/sessions/' + s.sessionNo, null, true);
                    show('mc-session', s.statusLabel + (s.failureMessage ? '：' + s.failureMessage : ''));
                    await door();
                    // Until the session ends: a closed door is followed by the order push that settles it.
                    if (['Settled', 'Failed', 'Expired'].includes(s.status)) clearInterval(poll);
                  }, 1000);
                } catch (e) { show('mc-session', '开门失败：' + e.message); }
              };
              $('mc-open').onclick = open('Tickets');
              $('mc-open-ps').onclick = open('PayScore');
              $('mc-close').onclick = async () => {
                try { await call('POST', '/sandbox/xiaomai/devices/' + encodeURIComponent($('mc-device').value.trim()) + '/close'); await door(); }
                catch (e) { show('mc-door', '关门失败：' + e.message); }
              };
            })();
            </script>
            """;
    }
}
