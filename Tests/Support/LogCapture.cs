using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SupportChat.Tests.Support;

/// <summary>Keeps every log line (message, structured values and exception) in memory.</summary>
public sealed class LogCapture : ILoggerProvider
{
    readonly ConcurrentQueue<string> _lines = new();

    public string Text => string.Join('\n', _lines);

    /// <summary>One entry per log call: level, category, message, values and the exception, which may span lines.</summary>
    public IReadOnlyList<string> Entries => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
        }
    }
}

public static class LogCaptureExtensions
{
    /// <summary>Waits (polling, up to <see cref="TestSocket.FrameTimeout"/>) for an entry written after the request it belongs to ended.</summary>
    public static async Task<string> EventuallyAsync(this LogCapture logs, Func<string, bool> match)
    {
        var deadline = DateTime.UtcNow + TestSocket.FrameTimeout;
        while (DateTime.UtcNow < deadline && !logs.Entries.Any(match)) await Task.Delay(20);
        return logs.Entries.FirstOrDefault(match) ?? throw new ShouldAssertException("No log entry matched in time.");
    }

    /// <summary>The entries logged at Error or Critical.</summary>
    public static IEnumerable<string> Errors(this LogCapture logs) =>
        logs.Entries.Where(entry => entry.StartsWith("Error ", StringComparison.Ordinal) || entry.StartsWith("Critical ", StringComparison.Ordinal));
}
