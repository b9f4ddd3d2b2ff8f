using System.Diagnostics;
using Npgsql;

namespace CabinetOps.Bench;

/// <summary>
/// What a database round trip costs the client on this machine, with nothing else on top: 8
/// connections run a prepared single-row lookup back to back, one statement per round trip or
/// <c>batch</c> statements per <see cref="NpgsqlBatch"/>, and the process's CPU is divided by the
/// statements and the round trips. It bounds what any order path written on Npgsql can cost per
/// statement (docs/benchmarks.md, session 12: why 50 % of pgbench is out of reach).
/// </summary>
public static class RoundTripProbe
{
    private const int Connections = 8;
    private const int StatementsPerConnection = 3000;
    private const string Lookup = "SELECT EXISTS (SELECT 1 FROM bench_round_trip_probe WHERE k = $1)";

    public static async Task<int> RunAsync(string connectionString, int batch)
    {
        await using var source = NpgsqlDataSource.Create(connectionString + ";Max Auto Prepare=64;Auto Prepare Min Usages=2;No Reset On Close=true");
        await using (var setup = source.CreateCommand("""
            CREATE TABLE IF NOT EXISTS bench_round_trip_probe (k int PRIMARY KEY);
            INSERT INTO bench_round_trip_probe SELECT g FROM generate_series(0, 999) g ON CONFLICT DO NOTHING
            """))
            await setup.ExecuteNonQueryAsync();

        var roundTrips = StatementsPerConnection / batch;
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => LoopAsync(source, batch, 200 / batch + 1))); // warm-up: JIT, pool, prepared statements
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => LoopAsync(source, batch, roundTrips)));
        process.Refresh();
        var spent = (process.TotalProcessorTime - cpu).TotalMicroseconds;
        var statements = Connections * roundTrips * batch;
        Console.WriteLine($"{batch} statement(s) per round trip: {statements} statements in {clock.Elapsed.TotalSeconds:0.00} s; "
            + $"client CPU {spent / statements:0} µs per statement, {spent / (Connections * roundTrips):0} µs per round trip");
        return 0;
    }

    private static async Task LoopAsync(NpgsqlDataSource source, int batch, int roundTrips)
    {
        await using var connection = await source.OpenConnectionAsync();
        for (var i = 0; i < roundTrips; i++)
        {
            await using var work = new NpgsqlBatch(connection);
            for (var j = 0; j < batch; j++)
                work.BatchCommands.Add(new NpgsqlBatchCommand(Lookup) { Parameters = { new NpgsqlParameter<int> { TypedValue = (i * batch + j) % 1000 } } });
            await using var reader = await work.ExecuteReaderAsync();
            do
            {
                while (await reader.ReadAsync())
                {
                }
            } while (await reader.NextResultAsync());
        }
    }
}
