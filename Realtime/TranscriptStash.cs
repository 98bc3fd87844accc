using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Realtime;

/// <summary>
/// Live transcripts survive restarts. Every few seconds (<c>Realtime__CheckpointSeconds</c>, default 2) the messages
/// added since the last checkpoint are appended to the transcript journal, one row per checkpoint (see
/// <see cref="TranscriptJournalEntry"/>); on graceful shutdown (SIGTERM, a deploy) a last checkpoint follows the
/// closing of every socket; at start the journal is read back before the first request. A crash (SIGKILL, power
/// loss) therefore loses at most the messages of the last checkpoint interval.
/// Closes never touch the journal: what closed conversations left in it is garbage, skipped at restore and dropped
/// by compaction, which rewrites the live transcripts as new entries and deletes every older one in one transaction
/// once the garbage outweighs them (and at start). The journal holds at most about twice the live messages plus
/// <c>Realtime__CompactAfterMessages</c> (default 10,000), and each live message is rewritten at most once per
/// compaction, which the same amount of garbage paid for.
/// </summary>
sealed partial class TranscriptStash(RoomStore rooms, TranscriptWriter writer, IServiceScopeFactory scopes, IHostApplicationLifetime lifetime,
    IConfiguration configuration, TimeProvider clock, ILogger<TranscriptStash> logger) : BackgroundService
{
    static readonly TimeSpan SocketDrainTimeout = TimeSpan.FromSeconds(10);
    // Checkpoints must not overlap: two would both append the same unsaved run. The host may also stop this
    // service more than once (WebApplicationFactory does), so StopAsync's checkpoint can meet another.
    readonly SemaphoreSlim _checkpointing = new(1, 1);
    readonly long _compactAfter = Math.Max(0, configuration.GetValue("Realtime:CompactAfterMessages", 10_000L));
    /// <summary>Messages in the journal's rows, live or not: written since the last compaction, which set it.</summary>
    long _journalMessages;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // First thing on SIGTERM, before the server waits for requests: sockets are live requests and would hold it up.
        lifetime.ApplicationStopping.Register(rooms.BeginShutdown);
        // 0 turns checkpoints off: only a graceful stop then saves live messages.
        var interval = configuration.GetValue("Realtime:CheckpointSeconds", 2.0);
        if (interval <= 0 || rooms.UsesRedis) return;   // with Redis, the transcript is durable there until its close
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
        if (rooms.UsesRedis) return;
        var saved = await CheckpointAsync();
        LogSaved(logger, saved);
    }

    /// <summary>Appends every unsaved live message, or compacts when the journal is mostly garbage; returns how many messages were unsaved.</summary>
    async Task<int> CheckpointAsync()
    {
        await _checkpointing.WaitAsync(CancellationToken.None);
        try
        {
            var (unsaved, journaled) = rooms.UnsavedSinceCheckpoint();
            var count = unsaved.Sum(run => run.Messages.Count);
            if (_journalMessages - journaled > Math.Max(journaled, _compactAfter)) await CompactAsync();
            else if (count > 0) await AppendAsync(unsaved, count);
            return count;
        }
        finally
        {
            _checkpointing.Release();
        }
    }

    /// <summary>
    /// One transaction appending a row per ~60 KiB of messages: a sequential write whose cost hardly depends on how
    /// many messages it holds. Saving each message as a row of its own (the LiveMessages table until 2026-11-30) cost
    /// a B-tree insert per message on the server's only core: 0.62-0.68x the bare relay's throughput (BENCHMARKS.md).
    /// </summary>
    async Task AppendAsync(List<TranscriptWriter.TranscriptRun> unsaved, int count)
    {
        var payloads = TranscriptJournal.Encode(unsaved);
        await WriteAsync(payloads, replace: false);
        foreach (var run in unsaved) rooms.MarkCheckpointed(run);
        _journalMessages += count;
    }

    /// <summary>Replaces the whole journal with one copy of every live transcript.</summary>
    async Task CompactAsync()
    {
        var transcripts = rooms.WholeTranscripts();
        var payloads = TranscriptJournal.Encode(transcripts);
        await WriteAsync(payloads, replace: true);
        foreach (var transcript in transcripts) rooms.MarkCheckpointed(transcript);
        _journalMessages = transcripts.Sum(t => t.Messages.Count);
    }

    async Task WriteAsync(List<byte[]> payloads, bool replace)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SupportChatDb>();
        await writer.ExclusiveAsync(async () =>
        {
            await TranscriptJournal.AppendAsync(db, payloads, clock.GetUtcNow().UtcDateTime, replace);
            return true;
        });
    }

    /// <summary>
    /// At start, before any socket connects: replays the journal in the order it was written and puts the transcripts
    /// of conversations that are still active back into the room store, then compacts it.
    /// </summary>
    public async Task RestoreAsync()
    {
        var live = await ReadLiveTranscriptsAsync();
        if (live is null) return;
        foreach (var (id, transcript) in live) rooms.Restore(id, transcript);
        LogRestored(logger, live.Count, live.Values.Sum(t => t.Count));
        await CompactAsync();
    }

    /// <summary>
    /// Redis engine (issue 15), at start: hands every live transcript of the journal (what a release with the in-process
    /// engine left) to <paramref name="import"/>, then empties the journal, so switching engines loses no live message.
    /// </summary>
    public async Task MoveJournalAsync(Func<ObjectId, IReadOnlyList<LiveMessage>, Task> import)
    {
        var live = await ReadLiveTranscriptsAsync();
        if (live is null) return;
        foreach (var (id, transcript) in live) await import(id, transcript);
        await WriteAsync([], replace: true);
        LogMoved(logger, live.Count, live.Values.Sum(t => t.Count));
    }

    /// <summary>The journal's transcripts of conversations that are not closed; null when the journal is empty.</summary>
    async Task<Dictionary<ObjectId, List<LiveMessage>>?> ReadLiveTranscriptsAsync()
    {
        var transcripts = new Dictionary<ObjectId, List<LiveMessage>>();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SupportChatDb>();
        await foreach (var payload in db.TranscriptJournal.AsNoTracking().OrderBy(e => e.Id).Select(e => e.Payload).AsAsyncEnumerable())
            foreach (var run in TranscriptJournal.Decode(payload))
            {
                if (!transcripts.TryGetValue(run.ConversationId, out var messages)) transcripts[run.ConversationId] = messages = [];
                // A run that overlaps what is there (a checkpoint committed, but the process died before it
                // noted so) repeats it; only its new tail counts.
                if (run.FirstSequence > messages.Count) LogJournalGap(logger, run.ConversationId, messages.Count, run.FirstSequence);
                messages.AddRange(run.Messages.Skip(Math.Max(0, messages.Count - run.FirstSequence)));
            }
        if (transcripts.Count == 0) return null;
        var ids = transcripts.Keys.ToList();
        // Closed conversations' messages are in Messages already; their journal copies are garbage.
        var live = await db.Conversations.Where(c => ids.Contains(c.Id) && c.Status != ConversationStatus.Closed).Select(c => c.Id).ToListAsync();
        return live.ToDictionary(id => id, id => transcripts[id]);
    }

    [LoggerMessage(LogLevel.Information, "Moved {Conversations} live transcripts ({Messages} messages) from the transcript journal to Redis")]
    static partial void LogMoved(ILogger logger, int conversations, int messages);

    [LoggerMessage(LogLevel.Information, "Saved the last {Messages} live messages for the next start")]
    static partial void LogSaved(ILogger logger, int messages);

    [LoggerMessage(LogLevel.Information, "Restored {Conversations} live transcripts ({Messages} messages)")]
    static partial void LogRestored(ILogger logger, int conversations, int messages);

    [LoggerMessage(LogLevel.Warning, "Checkpoint of live messages failed; retrying at the next one")]
    static partial void LogCheckpointFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Error, "Transcript journal of conversation {ConversationId} skips from position {Expected} to {Found}; the messages in between are lost")]
    static partial void LogJournalGap(ILogger logger, ObjectId conversationId, int expected, int found);
}
