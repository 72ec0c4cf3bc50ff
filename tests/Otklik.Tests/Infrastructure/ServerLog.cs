using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Otklik.Tests.Infrastructure;

/// <summary>
/// What the server logged at Warning or above. A refused request must be refused cleanly: a test can assert that
/// no error was logged (an unhandled exception, a connection Kestrel had to abort).
/// </summary>
public sealed class ServerLog : ILoggerProvider
{
    public sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : "\n" + Exception)}";
    }

    readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    public IReadOnlyList<Entry> Errors => [.. _entries.Where(e => e.Level >= LogLevel.Error)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    sealed class Logger(ServerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) log._entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), exception));
        }
    }
}
