using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

// Load generator for precheck + open (issue #5): N customers on N distinct cabinets, all at once,
// over several rounds, against a running server with its sandbox. Prints p50/p90/p99 and errors.
// Usage: CabinetOps.Bench <baseUrl> [customers=200] [rounds=5]
var baseUrl = args.Length > 0 ? args[0].TrimEnd('/') : "http://127.0.0.1:5090";
var customers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
var handler = new SocketsHttpHandler { MaxConnectionsPerServer = customers * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();

Console.WriteLine($"setup: {customers} cabinets and customers (run {run})");
using var ops = new HttpClient(new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(baseUrl) };
(await ops.PostAsJsonAsync("/api/admin/auth/login", new { userName = "ops", password = "Demo@2026" })).EnsureSuccessStatusCode();
var stores = (await ops.GetFromJsonAsync<JsonElement>("/api/admin/stores?pageSize=100")).GetProperty("items").EnumerateArray()
    .Select(s => s.GetProperty("id").GetInt32()).ToArray();
var devices = new string[customers];
var clients = new HttpClient[customers];
await Parallel.ForAsync(0, customers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
{
    var code = $"BENCH-{run}-{i:0000}";
    (await ops.PostAsync($"/sandbox/xiaomai/devices?code={code}", null, ct)).EnsureSuccessStatusCode();
    (await ops.PostAsJsonAsync("/api/admin/devices", new { deviceCode = code, storeId = stores[i % stores.Length] }, ct)).EnsureSuccessStatusCode();
    devices[i] = code;
    var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri(baseUrl) };
    var minted = await (await client.PostAsJsonAsync("/sandbox/wechat/login-codes", new { openid = $"bench-{run}-{i:0000}-openid-padding-xx" }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
    var login = await (await client.PostAsJsonAsync("/api/mp/auth/login", new { code = minted.GetProperty("code").GetString() }, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("token").GetString());
    clients[i] = client;
});
// Customer ids for the ticket grant: the admin list is newest first, 100 a page.
var ids = new List<int>();
for (var page = 1; ids.Count < customers; page++)
    ids.AddRange((await ops.GetFromJsonAsync<JsonElement>($"/api/admin/customers?pageSize=100&page={page}")).GetProperty("items").EnumerateArray()
        .Select(c => c.GetProperty("id").GetInt32()).Take(customers - ids.Count));
await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
    (await ops.PostAsJsonAsync($"/api/admin/customers/{id}/tickets", new { amount = 100_000, reason = "压测" }, ct)).EnsureSuccessStatusCode());

var precheck = new List<double>();
var open = new List<double>();
var both = new List<double>();
var errors = new Dictionary<string, int>();
// Round 0 warms the server up (JIT, connection pools, the first use of each handler) and is not counted.
for (var round = 0; round <= rounds; round++)
{
    // An awaited signal, not a blocking wait: 200 blocked pool threads would starve this client
    // and the figures would measure the load generator instead of the server.
    var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var tasks = Enumerable.Range(0, customers).Select(i => Task.Run(async () =>
    {
        await start.Task;
        var sw = Stopwatch.StartNew();
        var check = await clients[i].PostAsJsonAsync("/api/mp/precheck", new { deviceCode = devices[i] });
        var t1 = sw.Elapsed.TotalMilliseconds;
        var answer = await check.Content.ReadFromJsonAsync<JsonElement>();
        if (!check.IsSuccessStatusCode || !answer.GetProperty("canOpen").GetBoolean())
            return (t1, 0d, 0d, $"precheck {(int)check.StatusCode} {(check.IsSuccessStatusCode ? answer.GetProperty("refusalCode").GetString() : "")}", (string?)null);
        var opened = await clients[i].PostAsJsonAsync("/api/mp/sessions", new { deviceCode = devices[i], paymentMethod = "Tickets", idempotencyKey = Guid.NewGuid().ToString("N") });
        var total = sw.Elapsed.TotalMilliseconds;
        var session = await opened.Content.ReadFromJsonAsync<JsonElement>();
        var ok = opened.IsSuccessStatusCode && session.GetProperty("status").GetString() is "Opening" or "Opened";
        return (t1, total - t1, total, ok ? null : $"open {(int)opened.StatusCode} {(opened.IsSuccessStatusCode ? session.GetProperty("status").GetString() : "")}",
            ok ? session.GetProperty("sessionNo").GetString() : null);
    })).ToList();
    start.SetResult();
    var results = await Task.WhenAll(tasks);
    foreach (var r in round == 0 ? [] : results)
    {
        precheck.Add(r.Item1);
        if (r.Item4 is { } error)
            errors[error] = errors.GetValueOrDefault(error) + 1;
        else
        {
            open.Add(r.Item2);
            both.Add(r.Item3);
        }
    }

    // Free the cabinets for the next round: wait for every door to open, then close them all.
    await Parallel.ForAsync(0, customers, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
    {
        if (results[i].Item5 is not { } no)
            return;
        for (var n = 0; n < 200; n++)
        {
            var s = await clients[i].GetFromJsonAsync<JsonElement>($"/api/mp/sessions/{no}", ct);
            if (s.GetProperty("status").GetString() == "Opened")
                break;
            await Task.Delay(50, ct);
        }

        await ops.PostAsync($"/sandbox/xiaomai/devices/{devices[i]}/close", null, ct);
        for (var n = 0; n < 200; n++)
        {
            var s = await clients[i].GetFromJsonAsync<JsonElement>($"/api/mp/sessions/{no}", ct);
            if (!s.GetProperty("active").GetBoolean())
                break;
            await Task.Delay(50, ct);
        }
    });
    Console.WriteLine($"round {round}{(round == 0 ? " (warm-up, not counted)" : "")}: {results.Count(r => r.Item4 is null)}/{customers} opened");
}

static string P(List<double> xs, double q)
{
    if (xs.Count == 0)
        return "—";
    var sorted = xs.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)].ToString("0.0", CultureInfo.InvariantCulture);
}

Console.WriteLine();
Console.WriteLine($"customers at once: {customers}, rounds: {rounds}, samples: {both.Count}");
Console.WriteLine($"precheck          p50 {P(precheck, 0.5)} ms  p90 {P(precheck, 0.9)} ms  p99 {P(precheck, 0.99)} ms");
Console.WriteLine($"open              p50 {P(open, 0.5)} ms  p90 {P(open, 0.9)} ms  p99 {P(open, 0.99)} ms");
Console.WriteLine($"precheck + open   p50 {P(both, 0.5)} ms  p90 {P(both, 0.9)} ms  p99 {P(both, 0.99)} ms");
Console.WriteLine($"errors: {(errors.Count == 0 ? "none" : string.Join(", ", errors.Select(e => $"{e.Key} ×{e.Value}")))}");
return errors.Count == 0 ? 0 : 1;
