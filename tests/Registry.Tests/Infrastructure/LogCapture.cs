using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Registry.Tests.Infrastructure;

/// <summary>
/// Records what an in-process server logs, with the scopes of each line (as a JSON console would print them), so a
/// test can check levels and correlation. Add it with <see cref="AddTo"/> as the server's configureServices.
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private IExternalScopeProvider? _scopes;

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public void AddTo(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(this);

    public IEnumerable<LogEntry> AtLeast(LogLevel level) => _entries.Where(e => e.Level >= level);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;
    public void Dispose() { }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture._scopes?.Push(state);
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = new Dictionary<string, object?>();
            capture._scopes?.ForEachScope((scope, props) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    foreach (var (k, v) in pairs) props[k] = v;
            }, properties);
            capture._entries.Enqueue(new LogEntry(logLevel, category, eventId, formatter(state, exception), exception, properties));
        }
    }
}

public sealed record LogEntry(LogLevel Level, string Category, EventId EventId, string Message, Exception? Exception,
    IReadOnlyDictionary<string, object?> Scopes)
{
    public override string ToString() => $"{Level} {Category}[{EventId.Id}]: {Message} {Exception?.GetType().Name}";
}
