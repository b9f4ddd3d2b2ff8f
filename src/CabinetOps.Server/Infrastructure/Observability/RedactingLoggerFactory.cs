namespace CabinetOps.Server.Infrastructure.Observability;

/// <summary>
/// Wraps the logger factory so every logger, whatever provider it ends in (console, file, a test
/// capture), sees only redacted messages, state values and exceptions. Redaction in the pipeline is
/// the safety net; code still logs masked values on purpose (STYLE §3, Logging).
/// </summary>
public sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    /// <summary>Replaces the registered <see cref="ILoggerFactory"/> with the redacting one.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<LoggerFactory>();
        services.AddSingleton<ILoggerFactory>(sp => new RedactingLoggerFactory(sp.GetRequiredService<LoggerFactory>()));
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => state switch
        {
            string text => inner.BeginScope(Redaction.Redact(text)),
            IReadOnlyList<KeyValuePair<string, object?>> values => inner.BeginScope(new RedactedState(RedactValues(values), Redaction.Redact(state.ToString() ?? ""))),
            _ => inner.BeginScope(state),
        };

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
                return;
            var message = Redaction.Redact(formatter(state, exception));
            var values = state is IReadOnlyList<KeyValuePair<string, object?>> list ? RedactValues(list) : [];
            var redactedException = exception is null ? null : RedactedException.From(exception);
            inner.Log(logLevel, eventId, new RedactedState(values, message), redactedException, static (s, _) => s.Message);
        }
    }

    /// <summary>
    /// Structured values are redacted too (a sink may store them apart from the message). A value
    /// keeps its type unless redaction changes its text, e.g. a phone number logged as a long.
    /// </summary>
    private static List<KeyValuePair<string, object?>> RedactValues(IReadOnlyList<KeyValuePair<string, object?>> values) =>
        values.Select(kv =>
        {
            if (kv.Key == "{OriginalFormat}" || kv.Value is null or bool or DateTime or DateTimeOffset or TimeSpan or Guid)
                return kv;
            var text = kv.Value.ToString() ?? "";
            var redacted = Redaction.Redact(text);
            return redacted == text ? kv : new KeyValuePair<string, object?>(kv.Key, redacted);
        }).ToList();

    private sealed class RedactedState(IReadOnlyList<KeyValuePair<string, object?>> values, string message)
        : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message { get; } = message;
        public KeyValuePair<string, object?> this[int index] => values[index];
        public int Count => values.Count;
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public override string ToString() => Message;
    }

    /// <summary>An exception whose text (message and stack, inner exceptions included) has been redacted.</summary>
    private sealed class RedactedException(string typeName, string text, string? stack) : Exception(text)
    {
        public static Exception From(Exception e)
        {
            var full = e.ToString();
            var redacted = Redaction.Redact(full);
            return redacted == full ? e : new RedactedException(e.GetType().FullName ?? "Exception", Redaction.Redact(e.Message), redacted);
        }

        public override string? StackTrace => stack;

        public override string ToString() => $"{typeName} (redacted): {stack}";
    }
}
