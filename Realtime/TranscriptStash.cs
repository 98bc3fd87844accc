using Microsoft.EntityFrameworkCore;
using SupportChat.Common.Data;

namespace SupportChat.Realtime;

/// <summary>
/// Live transcripts survive restarts. Every few seconds (<c>Realtime__CheckpointSeconds</c>, default 2) the messages
/// added since the last checkpoint are appended to the LiveMessages table; on graceful shutdown (SIGTERM, a deploy)
/// a last checkpoint follows the closing of every socket; at start the table is read back before the first request.
/// A crash (SIGKILL, power loss) therefore loses at most the messages of the last checkpoint interval.
/// Closing a conversation deletes its rows, in the same transaction that persists its transcript.
/// </summary>
sealed partial class TranscriptStash(RoomStore rooms, TranscriptWriter writer, IServiceScopeFactory scopes, IHostApplicationLifetime lifetime,
    IConfiguration configuration, ILogger<TranscriptStash> logger) : BackgroundService
{
    static readonly TimeSpan SocketDrainTimeout = TimeSpan.FromSeconds(10);
    internal const int RowsPerTransaction = 1000;
    // Checkpoints must not overlap: two would both insert the same unsaved run. The host may also stop this
    // service more than once (WebApplicationFactory does), so StopAsync's checkpoint can meet another.
    readonly SemaphoreSlim _checkpointing = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // First thing on SIGTERM, before the server waits for requests: sockets are live requests and would hold it up.
        lifetime.ApplicationStopping.Register(rooms.BeginShutdown);
        // 0 turns checkpoints off: saving each message once costs about 60% more CPU per message on SQLite
        // (BENCHMARKS.md), and without them only a graceful stop saves live messages.
        var interval = configuration.GetValue("Realtime:CheckpointSeconds", 2.0);
        if (interval <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(interval));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await CheckpointAsync();
                }
                catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or TimeoutException)
                {
                    LogCheckpointFailed(logger, e);   // the messages stay unsaved and go with the next checkpoint
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        rooms.BeginShutdown();
        // Let in-flight events (a close that is committing, say) finish before the last checkpoint.
        var deadline = DateTime.UtcNow + SocketDrainTimeout;
        while (rooms.HasConnections && DateTime.UtcNow < deadline) await Task.Delay(50, CancellationToken.None);
        var saved = await CheckpointAsync();
        LogSaved(logger, saved);
    }

    /// <summary>Appends every unsaved live message (in batches, see below); returns how many.</summary>
    async Task<int> CheckpointAsync()
    {
        await _checkpointing.WaitAsync(CancellationToken.None);
        try
        {
            return await AppendUnsavedAsync();
        }
        finally
        {
            _checkpointing.Release();
        }
    }

    /// <summary>
    /// Writes in transactions of at most <see cref="RowsPerTransaction"/> rows, many conversations together, yielding
    /// between them (and every 100 rows inside them on SQLite): one big write would hold the server's core, since
    /// SQLite's I/O is synchronous, and stall every room for as long as it took (measured at 2 s checkpoints under full
    /// load: p99 from 4 ms to 118 ms). One transaction per conversation cost a commit, and its sync to disk, for every
    /// active room at every checkpoint: at 2,000 msg/s p99 was 4.6 ms with those, 3.9 ms batched (0.9 ms without
    /// checkpoints; single runs).
    /// </summary>
    async Task<int> AppendUnsavedAsync()
    {
        var saved = 0;
        foreach (var batch in InTransactionSizedBatches(rooms.UnsavedSinceCheckpoint()))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SupportChatDb>();
            await writer.ExclusiveAsync(async () =>
            {
                await TranscriptWriter.InsertAsync(db, "LiveMessages", batch);
                return true;
            });
            foreach (var run in batch) rooms.MarkCheckpointed(run);
            saved += batch.Sum(run => run.Messages.Count);
            await Task.Yield();
        }
        return saved;
    }

    /// <summary>Groups runs into batches of at most <see cref="RowsPerTransaction"/> rows, cutting a run where a batch fills up.</summary>
    internal static IEnumerable<List<TranscriptWriter.TranscriptRun>> InTransactionSizedBatches(IEnumerable<TranscriptWriter.TranscriptRun> runs)
    {
        var batch = new List<TranscriptWriter.TranscriptRun>();
        var rows = 0;
        foreach (var run in runs)
            for (var offset = 0; offset < run.Messages.Count;)
            {
                var take = Math.Min(RowsPerTransaction - rows, run.Messages.Count - offset);
                batch.Add(run with { FirstSequence = run.FirstSequence + offset, Messages = run.Messages.Skip(offset).Take(take).ToArray() });
                offset += take;
                rows += take;
                if (rows < RowsPerTransaction) continue;
                yield return batch;
                batch = [];
                rows = 0;
            }
        if (batch.Count > 0) yield return batch;
    }

    /// <summary>Puts the saved transcripts of conversations that are still active back into the room store.</summary>
    public static async Task RestoreAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SupportChatDb>();
        // A checkpoint that raced a close can leave rows of a closed conversation behind; they are not live.
        await db.LiveMessages.Where(m => !db.Conversations.Any(c => c.Id == m.ConversationId && c.Status != ConversationStatus.Closed))
            .ExecuteDeleteAsync();
        var rows = await db.LiveMessages.AsNoTracking().OrderBy(m => m.ConversationId).ThenBy(m => m.Sequence).ToListAsync();
        var rooms = services.GetRequiredService<RoomStore>();
        foreach (var transcript in rows.GroupBy(m => m.ConversationId))
            rooms.Restore(transcript.Key, [.. transcript.Select(m => new LiveMessage(m.SenderId, m.SenderRole, m.Content, m.CreatedAt))]);
        LogRestored(services.GetRequiredService<ILogger<TranscriptStash>>(), rows.Select(m => m.ConversationId).Distinct().Count(), rows.Count);
    }

    [LoggerMessage(LogLevel.Information, "Saved the last {Messages} live messages for the next start")]
    static partial void LogSaved(ILogger logger, int messages);

    [LoggerMessage(LogLevel.Information, "Restored {Conversations} live transcripts ({Messages} messages)")]
    static partial void LogRestored(ILogger logger, int conversations, int messages);

    [LoggerMessage(LogLevel.Warning, "Checkpoint of live messages failed; retrying at the next one")]
    static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
