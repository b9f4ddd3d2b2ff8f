using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

// Load generator for precheck + open (issue #5) against a running server with its sandbox.
// N customers, each on their own cabinet, shop like the mini-program does:
//   precheck → open (measured) → poll the session every second until the door is open → keep the
//   door open for the shopping time → close it (sandbox) → poll until the session ends → think → again.
// Customers start spread over one cycle, so at any moment all N are somewhere in that loop: this is
// "N concurrent customers". Mode "burst" instead makes all N precheck + open at the same instant,
// round after round (a stress figure: latency there is queueing by construction).
// Usage: CabinetOps.Bench <baseUrl> [customers=200] [cycles=5] [steady|burst] [shopMs=15000] [thinkMs=15000]
//        CabinetOps.Bench orders <baseUrl> <connectionString> [cabinets=100] [rounds=3] [Tickets|PayScore]   (OrderChargeBench)
//        CabinetOps.Bench orderlist <baseUrl> [requests=100]   (OrderListBench)
//        CabinetOps.Bench roundtrips <connectionString> [statementsPerRoundTrip=1]   (RoundTripProbe: no server involved)
if (args.Length > 0 && args[0] == "orderlist")
    return await CabinetOps.Bench.OrderListBench.RunAsync(args[1].TrimEnd('/'), args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100);
if (args.Length > 0 && args[0] == "roundtrips")
    return await CabinetOps.Bench.RoundTripProbe.RunAsync(args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1);
if (args.Length > 0 && args[0] == "orders")
    return await CabinetOps.Bench.OrderChargeBench.RunAsync(args[1].TrimEnd('/'), args[2], args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 100,
        args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3, args.Length > 5 ? args[5] : "Tickets");

var baseUrl = args.Length > 0 ? args[0].TrimEnd('/') : "http://127.0.0.1:5090";
var customers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var cycles = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
var burst = args.Length > 3 && args[3] == "burst";
var shop = TimeSpan.FromMilliseconds(args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 15000);
var think = TimeSpan.FromMilliseconds(args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 15000);
var poll = TimeSpan.FromSeconds(1); // miniprogram/src/config.js pollIntervalMs (then ×1.5 up to 5 s while nothing changes)
var handler = new CabinetOps.Bench.SandboxRouting(new SocketsHttpHandler { MaxConnectionsPerServer = customers * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(10) });
var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();

Console.WriteLine($"setup: {customers} cabinets and customers (run {run})");
using var ops = new HttpClient(new CabinetOps.Bench.SandboxRouting(new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer() })) { BaseAddress = new Uri(baseUrl) };
(await ops.PostAsJsonAsync("/api/admin/auth/login", new { userName = "ops", password = "Demo@2026" })).EnsureSuccessStatusCode();
var stores = (await ops.GetFromJsonAsync<JsonElement>("/api/admin/stores?pageSize=100")).GetProperty("items").EnumerateArray()
    .Select(s => s.GetProperty("id").GetInt32()).ToArray();
var devices = new string[customers];
var clients = new HttpClient[customers];
await Parallel.ForAsync(0, customers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
{
    var code = $"BENCH-{run}-{i:0000}";
    await CabinetOps.Bench.BenchSetup.ProvisionCabinetAsync(ops, code, stores[i % stores.Length], ct);
    devices[i] = code;
    clients[i] = await CabinetOps.Bench.BenchSetup.CustomerAsync(handler, baseUrl, $"bench-{run}-{i:0000}-openid-padding-xx", ct);
});
// Customer ids for the ticket grant: the admin list is newest first, 100 a page.
var ids = new List<int>();
for (var page = 1; ids.Count < customers; page++)
    ids.AddRange((await ops.GetFromJsonAsync<JsonElement>($"/api/admin/customers?pageSize=100&page={page}")).GetProperty("items").EnumerateArray()
        .Select(c => c.GetProperty("id").GetInt32()).Take(customers - ids.Count));
await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
    (await ops.PostAsJsonAsync($"/api/admin/customers/{id}/tickets", new { amount = 1_000_000, reason = "压测" }, ct)).EnsureSuccessStatusCode());

// Start: when the scan started (UTC), to lay the slowest beside the server's and PostgreSQL's logs.
var samples = new List<(double Precheck, double Open, double Both, DateTime Start)>();
var errors = new Dictionary<string, int>();
var clock = Stopwatch.StartNew();
TimeSpan? firstCountedAt = null;
void Record(bool count, (double, double, double)? sample, string? error)
{
    lock (samples)
    {
        if (!count)
            return;
        firstCountedAt ??= clock.Elapsed;
        if (error is not null)
            errors[error] = errors.GetValueOrDefault(error) + 1;
        else
        {
            var (precheck, open, both) = sample!.Value;
            samples.Add((precheck, open, both, DateTime.UtcNow.AddMilliseconds(-both)));
        }
    }
}

TimeSpan measuredTo = default;
if (burst)
{
    // Round 0 warms the server up (JIT, connection pools, the first use of each handler) and is not counted.
    for (var round = 0; round <= cycles; round++)
    {
        // An awaited signal, not a blocking wait: 200 blocked pool threads would starve this client.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, customers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            var (sample, error, no) = await OpenOnceAsync(i);
            Record(round > 0, sample, error);
            if (no is not null)
                await FinishAsync(i, no, TimeSpan.Zero);
        })).ToList();
        start.SetResult();
        await Task.WhenAll(tasks);
        Console.WriteLine($"round {round}{(round == 0 ? " (warm-up, not counted)" : "")} done");
    }
    measuredTo = clock.Elapsed;
}
else
{
    // Each customer's first cycles warm the server up and are not counted (BENCH_WARMUP_CYCLES, 3): tiered
    // compilation recompiles the hot code in the background for the first minutes after a start, and a
    // node serves for days — the figure is its steady state.
    var warmup = int.Parse(Environment.GetEnvironmentVariable("BENCH_WARMUP_CYCLES") ?? "3", CultureInfo.InvariantCulture);
    var cycleLength = shop + think + poll * 2;
    var tasks = Enumerable.Range(0, customers).Select(i => Task.Run(async () =>
    {
        await Task.Delay(cycleLength * i / customers);
        for (var cycle = 0; cycle < warmup + cycles; cycle++)
        {
            var (sample, error, no) = await OpenOnceAsync(i);
            Record(cycle >= warmup, sample, error);
            if (no is not null)
                await FinishAsync(i, no, shop);
            else
                await Task.Delay(shop); // a refused customer waits a moment and scans again
            await Task.Delay(think);
        }
    })).ToList();
    await Task.WhenAll(tasks);
    measuredTo = clock.Elapsed;
}

static string P(IEnumerable<double> xs, double q)
{
    var sorted = xs.Order().ToList();
    return sorted.Count == 0 ? "—" : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)].ToString("0.0", CultureInfo.InvariantCulture);
}

string Line(string name, Func<(double Precheck, double Open, double Both, DateTime Start), double> pick) =>
    $"{name,-17} p50 {P(samples.Select(pick), 0.5)} ms  p90 {P(samples.Select(pick), 0.9)} ms  p99 {P(samples.Select(pick), 0.99)} ms  max {P(samples.Select(pick), 1)} ms";

Console.WriteLine();
Console.WriteLine(burst
    ? $"mode: burst — {customers} customers at the same instant × {cycles} rounds"
    : $"mode: steady — {customers} concurrent customers, {cycles} counted cycles each (shopping {shop.TotalSeconds:0.#} s, thinking {think.TotalSeconds:0.#} s, polling from every {poll.TotalSeconds:0.#} s like the mini-program)");
Console.WriteLine($"samples: {samples.Count}; counted opens per second: {samples.Count / Math.Max(0.001, (measuredTo - (firstCountedAt ?? measuredTo)).TotalSeconds):0.0}");
Console.WriteLine(Line("precheck", s => s.Precheck));
Console.WriteLine(Line("open", s => s.Open));
Console.WriteLine(Line("precheck + open", s => s.Both));
Console.WriteLine("slowest (UTC start: precheck + open): " + string.Join(", ", samples.OrderByDescending(x => x.Both).Take(10)
    .Select(x => $"{x.Start:HH:mm:ss.fff} {x.Precheck:0.0}+{x.Open:0.0}")));
Console.WriteLine($"errors: {(errors.Count == 0 ? "none" : string.Join(", ", errors.Select(e => $"{e.Key} ×{e.Value}")))}");
return errors.Count == 0 ? 0 : 1;

// One scan: precheck then open with tickets. Returns the timings, or the error, and the session number.
async Task<((double, double, double)?, string?, string?)> OpenOnceAsync(int i)
{
    var sw = Stopwatch.StartNew();
    var check = await clients[i].PostAsJsonAsync("/api/mp/precheck", new { deviceCode = devices[i] });
    var t1 = sw.Elapsed.TotalMilliseconds;
    var answer = await check.Content.ReadFromJsonAsync<JsonElement>();
    if (!check.IsSuccessStatusCode || !answer.GetProperty("canOpen").GetBoolean())
        return (null, $"precheck {(int)check.StatusCode} {(check.IsSuccessStatusCode ? answer.GetProperty("refusalCode").GetString() : "")}", null);
    sw.Restart();
    var opened = await clients[i].PostAsJsonAsync("/api/mp/sessions", new { deviceCode = devices[i], paymentMethod = "Tickets", idempotencyKey = Guid.NewGuid().ToString("N") });
    var t2 = sw.Elapsed.TotalMilliseconds;
    var session = await opened.Content.ReadFromJsonAsync<JsonElement>();
    var ok = opened.IsSuccessStatusCode && session.GetProperty("status").GetString() is "Opening" or "Opened";
    return ok ? ((t1, t2, t1 + t2), null, session.GetProperty("sessionNo").GetString())
        : (null, $"open {(int)opened.StatusCode} {(opened.IsSuccessStatusCode ? session.GetProperty("status").GetString() : "")}", null);
}

// The rest of the visit as the mini-program drives it: poll until the door is open, shop, close, poll until the session ends.
async Task FinishAsync(int i, string no, TimeSpan shopping)
{
    await PollUntilAsync(i, no, s => s.GetProperty("status").GetString() != "Opening" && s.GetProperty("status").GetString() != "Created");
    await Task.Delay(shopping);
    await ops.PostAsync($"/sandbox/xiaomai/devices/{devices[i]}/close", null);
    await PollUntilAsync(i, no, s => !s.GetProperty("active").GetBoolean());
}

// Polls like pages/session: every second, growing ×1.5 up to 5 s while nothing changes.
async Task PollUntilAsync(int i, string no, Func<JsonElement, bool> done)
{
    var delay = poll;
    string? last = null;
    for (var n = 0; n < 120; n++)
    {
        using var answer = await clients[i].GetAsync($"/api/mp/sessions/{no}");
        if (!answer.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET session {no}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        var view = await answer.Content.ReadFromJsonAsync<JsonElement>();
        if (done(view))
            return;
        var status = view.GetProperty("status").GetString();
        delay = burst ? TimeSpan.FromMilliseconds(50) : status != last ? poll : TimeSpan.FromMilliseconds(Math.Min(5000, delay.TotalMilliseconds * 1.5));
        last = status;
        await Task.Delay(delay);
    }

    throw new TimeoutException($"session {no} did not move");
}
