namespace SupportChat.Realtime;

/// <summary>
/// Bounds how many socket events read the database at once. A burst (100 agents closing at the same moment, a
/// reconnect storm of JOINs) would otherwise open as many connections together, each a TLS and SCRAM handshake on
/// PostgreSQL, or occupy as many pool threads with SQLite's synchronous reads, while every room waits for the core.
/// </summary>
sealed class DatabaseGate
{
    const int MaxConcurrentReads = 8;
    readonly SemaphoreSlim _slots = new(MaxConcurrentReads, MaxConcurrentReads);

    public async Task<T> RunAsync<T>(Func<Task<T>> read, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try
        {
            return await read();
        }
        finally
        {
            _slots.Release();
        }
    }
}
