using Microsoft.Extensions.Logging;

namespace ConsentGateway.Benchmarks;

/// <summary>A provider enabled at every level that keeps nothing: what logging costs the gateway itself, without a sink's own cost.</summary>
internal sealed class DroppingLoggerProvider : ILoggerProvider, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
    }

    public void Dispose()
    {
    }
}
