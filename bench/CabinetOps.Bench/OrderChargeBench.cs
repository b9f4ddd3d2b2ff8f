using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace CabinetOps.Bench;

/// <summary>
/// Order push → charged (issue #6): K customers stand at K open cabinets, each holding one product;
/// all K doors close at once; the sandbox vendor recognises at once and pushes K <c>order.completed</c>;
/// the server stores, processes, prices and charges them (tickets in the same transaction; Pay Score
/// through complete and WeChat's deduction). A round's throughput is K over the time from the first
/// close to the last order marked paid (read from the orders' own timestamps, not by polling the
/// server). Rounds repeat; the first <c>BENCH_WARMUP_ROUNDS</c> (30) warm up and are not counted.
/// </summary>
public static class OrderChargeBench
{
    public static async Task<int> RunAsync(string baseUrl, string connectionString, int cabinets, int rounds, string method)
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var handler = new SandboxRouting(new SocketsHttpHandler { MaxConnectionsPerServer = cabinets * 2 });
        using var ops = new HttpClient(new SandboxRouting(new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer() })) { BaseAddress = new Uri(baseUrl) };
        (await ops.PostAsJsonAsync("/api/admin/auth/login", new { userName = "ops", password = "Demo@2026" })).EnsureSuccessStatusCode();
        var sync = await (await ops.PostAsync("/api/admin/products/sync-runs", null)).Content.ReadFromJsonAsync<JsonElement>();
        while ((await ops.GetFromJsonAsync<JsonElement>($"/api/admin/products/sync-runs/{sync.GetProperty("id").GetInt64()}")).GetProperty("status").GetString() == "Running")
            await Task.Delay(200);
        var stores = (await ops.GetFromJsonAsync<JsonElement>("/api/admin/stores?pageSize=100")).GetProperty("items").EnumerateArray()
            .Select(s => s.GetProperty("id").GetInt32()).ToArray();

        Console.WriteLine($"setup: {cabinets} cabinets and {method} customers (run {run})");
        var devices = new string[cabinets];
        var skus = new string[cabinets];
        var clients = new HttpClient[cabinets];
        await Parallel.ForAsync(0, cabinets, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var code = $"ORD-{run}-{i:0000}";
            await BenchSetup.ProvisionCabinetAsync(ops, code, stores[i % stores.Length], ct);
            devices[i] = code;
            // The cheapest product on the shelf: a ticket customer's balance lasts, a Pay Score order stays under the risk cap.
            skus[i] = (await ops.GetFromJsonAsync<JsonElement>($"/sandbox/xiaomai/devices/{code}/shelf", ct)).GetProperty("shelf").EnumerateArray()
                .OrderBy(p => p.GetProperty("unit_price_fen").GetInt64()).First().GetProperty("sku_code").GetString()!;
            var openId = $"ord-{run}-{i:0000}-openid-padding-xxxx";
            var client = await BenchSetup.CustomerAsync(handler, baseUrl, openId, ct);
            if (method == "PayScore")
            {
                var page = await (await client.PostAsync("/api/mp/payscore/authorization", null, ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
                var token = page.GetProperty("extraData").GetProperty("apply_permissions_token").GetString();
                (await client.PostAsync($"/sandbox/wechatpay/users/{openId}/authorize?token={token}", null, ct)).EnsureSuccessStatusCode();
                while ((await (await client.PostAsync("/api/mp/payscore/authorization/refresh", null, ct)).Content.ReadFromJsonAsync<JsonElement>(ct))
                       .GetProperty("state").GetString() != "Authorized")
                    await Task.Delay(100, ct);
            }

            clients[i] = client;
        });
        if (method != "PayScore")
        {
            await using var db = new NpgsqlConnection(connectionString);
            await db.OpenAsync();
            // The grant is an admin action with an audit row each; for the bench the balance is set directly.
            await using var grant = new NpgsqlCommand($"update users set ticket_balance = 100000000 where open_id like 'ord-{run}-%'", db);
            await grant.ExecuteNonQueryAsync();
        }

        // A server node runs for days: the first rounds, while the JIT is still tiering the code up
        // (measured with dotnet-counters: hundreds of methods a second for the first ≈ 13 rounds, ≈ 35 s of load,
        // then next to none), are warm-up and not counted.
        var warmUp = int.TryParse(Environment.GetEnvironmentVariable("BENCH_WARMUP_ROUNDS"), out var w) ? w : 30;
        var throughputs = new List<double>();
        var latencies = new List<double>();
        var cpu = new CpuMeter();
        var (countedOrders, countedSeconds) = (0, 0.0);
        for (var round = 1 - warmUp; round <= rounds; round++)
        {
            var sessions = new string[cabinets];
            await Parallel.ForAsync(0, cabinets, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            {
                var opened = await (await clients[i].PostAsJsonAsync("/api/mp/sessions", new { deviceCode = devices[i], paymentMethod = method, idempotencyKey = Guid.NewGuid().ToString("N") }, ct))
                    .Content.ReadFromJsonAsync<JsonElement>(ct);
                var no = opened.GetProperty("sessionNo").GetString()!;
                // The door is open at the vendor once "take" is accepted.
                while (!(await ops.PostAsync($"/sandbox/xiaomai/devices/{devices[i]}/take?sku={skus[i]}&quantity=1", null, ct)).IsSuccessStatusCode)
                    await Task.Delay(50, ct);
                sessions[i] = no;
            });

            // The window counts the close's pushes only: the open's door.opened push (sent when the door is
            // pulled, as "take" is accepted) is taken in before it starts.
            await WaitForOpenedAsync(connectionString, sessions);
            if (round > 0)
                cpu.Start();
            var closedAt = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            await Parallel.ForAsync(0, cabinets, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
                (await ops.PostAsync($"/sandbox/xiaomai/devices/{devices[i]}/close", null, ct)).EnsureSuccessStatusCode());
            var (paid, lastPaid, meanLatency) = await WaitForPaidAsync(connectionString, sessions, closedAt);
            cpu.Stop();
            var seconds = (lastPaid - closedAt).TotalSeconds;
            Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} round {round}{(round <= 0 ? " (warm-up, not counted)" : "")}: {paid} orders charged in {seconds:0.00} s "
                + $"({paid / seconds:0.0}/s; close → paid mean {meanLatency:0} ms; wall {clock.Elapsed.TotalSeconds:0.0} s)");
            if (round > 0)
            {
                throughputs.Add(paid / seconds);
                latencies.Add(meanLatency);
                countedOrders += paid;
                countedSeconds += clock.Elapsed.TotalSeconds;
            }
        }

        Console.WriteLine($"order push → charged ({method}): {throughputs.Average():0.0} orders/s (rounds {string.Join(", ", throughputs.Select(t => t.ToString("0.0", CultureInfo.InvariantCulture)))}), "
            + $"close → paid mean {latencies.Average():0} ms");
        Console.WriteLine(cpu.PerOrder(countedOrders, countedSeconds));
        return 0;
    }

    /// <summary>Waits (polling the database) until the server has applied every session's door.opened.</summary>
    private static Task WaitForOpenedAsync(string connectionString, string[] sessions) =>
        PollAsync(connectionString, "doors open", sessions.Length, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(20), async db =>
        {
            await using var cmd = new NpgsqlCommand("select count(*) from door_sessions where session_no = any(@sessions) and status = 2", db);
            cmd.Parameters.AddWithValue("sessions", sessions);
            return ((int)(long)(await cmd.ExecuteScalarAsync())!, true);
        });

    /// <summary>Waits (polling the database, not the server) until every session's order is paid; then reads when each was.</summary>
    private static Task<(int Paid, DateTime LastPaid, double MeanLatencyMs)> WaitForPaidAsync(string connectionString, string[] sessions, DateTime closedAt) =>
        PollAsync(connectionString, "orders paid", sessions.Length, TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(100), async db =>
        {
            await using var cmd = new NpgsqlCommand("""
                select count(*), max(o.updated_at), avg(extract(epoch from (o.updated_at - @closed)) * 1000)
                from orders o join door_sessions s on s.id = o.door_session_id
                where s.session_no = any(@sessions) and o.payment_status = 2
                """, db);
            cmd.Parameters.AddWithValue("sessions", sessions);
            cmd.Parameters.AddWithValue("closed", closedAt);
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            var count = (int)reader.GetInt64(0);
            return (count, count == sessions.Length ? (count, reader.GetDateTime(1), reader.GetDouble(2)) : default);
        });

    /// <summary>
    /// Runs <paramref name="probe"/> on one connection every <paramref name="every"/> until it counts
    /// <paramref name="expected"/> rows, and returns what it read then; gives up after <paramref name="timeout"/>.
    /// </summary>
    private static async Task<T> PollAsync<T>(string connectionString, string what, int expected, TimeSpan timeout, TimeSpan every,
        Func<NpgsqlConnection, Task<(int Count, T Value)>> probe)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var (count, value) = await probe(db);
            if (count == expected)
                return value;
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"only {count} of {expected} {what} after {timeout.TotalMinutes:0} minute(s)");
            await Task.Delay(every);
        }
    }
}
