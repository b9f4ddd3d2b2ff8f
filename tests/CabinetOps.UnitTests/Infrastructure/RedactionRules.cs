using Microsoft.Extensions.Logging;
using CabinetOps.Server.Infrastructure.Observability;

namespace CabinetOps.UnitTests.Infrastructure;

public sealed class RedactionRules
{
    [Theory]
    [InlineData("bound phone 13812345678 ok", "bound phone 138****5678 ok")]
    [InlineData("openid oUpF8uMuAJO_M2pxb1Q9zNjWeS6o logged in", "openid o*** logged in")]
    [InlineData("GET /sns/jscode2session?appid=wx1&secret=abc&js_code=xyz", "GET /sns/jscode2session?appid=wx1&secret=***&js_code=***")]
    [InlineData("Authorization: Bearer eyJhbGciOi.abc-def", "Authorization: Bearer ***")]
    [InlineData("{\"session_key\":\"k\",\"purePhoneNumber\":\"13800000000\"}", "{\"session_key\":\"***\",\"purePhoneNumber\":\"***\"}")]
    public void ScrubsPersonalDataAndSecrets(string input, string expected) => Assert.Equal(expected, Redaction.Redact(input));

    [Theory]
    [InlineData("order 20261125000123 charged 1500 fen")]
    [InlineData("device SZ001-D01 online")]
    public void LeavesOrdinaryTextAlone(string input) => Assert.Equal(input, Redaction.Redact(input));
}

public sealed class RedactingLoggerFactoryRules
{
    [Fact]
    public void StructuredValuesAndScopesAreRedactedWhateverTheirType()
    {
        var capture = new ListProvider();
        using var factory = new CabinetOps.Server.Infrastructure.Observability.RedactingLoggerFactory(
            Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(capture)));
        var logger = factory.CreateLogger("t");
        using (logger.BeginScope("customer {Phone}", "13812345678"))
            logger.LogInformation("bound {Phone} for {OpenId}, amount {Fen}", 13812345678L, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", 1500);

        var all = string.Join("\n", capture.Lines);
        Assert.DoesNotContain("13812345678", all);
        Assert.DoesNotContain("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", all);
        Assert.Contains("138****5678", all);
        Assert.Contains("Fen=1500", all);
    }

    private sealed class ListProvider : Microsoft.Extensions.Logging.ILoggerProvider, Microsoft.Extensions.Logging.ISupportExternalScope
    {
        private Microsoft.Extensions.Logging.IExternalScopeProvider? _scopes;
        public List<string> Lines { get; } = [];

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(Microsoft.Extensions.Logging.IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ListProvider owner) : Microsoft.Extensions.Logging.ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

            public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

            public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new List<string>();
                owner._scopes?.ForEachScope((s, list) => list.Add(s?.ToString() ?? ""), scopes);
                var values = state is IEnumerable<KeyValuePair<string, object?>> kv ? string.Join(" ", kv.Select(p => $"{p.Key}={p.Value}")) : "";
                owner.Lines.Add($"{formatter(state, exception)} [{values}] scopes: {string.Join(";", scopes)}");
            }
        }
    }
}
