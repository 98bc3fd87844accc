using Microsoft.EntityFrameworkCore;
using SupportChat.Common.Data;

namespace SupportChat.Realtime;

/// <summary>
/// Live transcripts survive a restart: on graceful shutdown (SIGTERM, a deploy) every live transcript is written to
/// the LiveMessages table, and at start they are read back before the first request. A crash (SIGKILL, power loss)
/// skips the shutdown write, so it loses the live messages since the service last started.
/// </summary>
sealed partial class TranscriptStash(RoomStore rooms, IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<TranscriptStash> logger) : IHostedService
{
    static readonly TimeSpan SocketDrainTimeout = TimeSpan.FromSeconds(10);

    public Task StartAsync(CancellationToken ct)
    {
        // First thing on SIGTERM, before the server waits for requests: sockets are live requests and would hold it up.
        lifetime.ApplicationStopping.Register(rooms.BeginShutdown);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        rooms.BeginShutdown();
        // Let in-flight events (a close that is committing, say) finish before the snapshot.
        var deadline = DateTime.UtcNow + SocketDrainTimeout;
        while (rooms.HasConnections && DateTime.UtcNow < deadline) await Task.Delay(50, CancellationToken.None);

        var transcripts = rooms.TranscriptsSnapshot();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SupportChatDb>();
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        await db.LiveMessages.ExecuteDeleteAsync(CancellationToken.None);
        db.LiveMessages.AddRange(transcripts.SelectMany(t => t.Value.Select((m, i) => new LiveMessageRow
        {
            ConversationId = t.Key,
            Sequence = i,
            SenderId = m.SenderId,
            SenderRole = m.SenderRole,
            Content = m.Content,
            CreatedAt = m.CreatedAt,
        })));
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        LogSaved(logger, transcripts.Count, transcripts.Sum(t => t.Value.Length));
    }

    /// <summary>Puts the transcripts saved at the last shutdown back into the room store; closed conversations' rows are ignored.</summary>
    public static async Task RestoreAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SupportChatDb>();
        var rows = await db.LiveMessages.AsNoTracking()
            .Where(m => db.Conversations.Any(c => c.Id == m.ConversationId && c.Status != ConversationStatus.Closed))
            .OrderBy(m => m.ConversationId).ThenBy(m => m.Sequence)
            .ToListAsync();
        var rooms = services.GetRequiredService<RoomStore>();
        foreach (var transcript in rows.GroupBy(m => m.ConversationId))
            rooms.Restore(transcript.Key, transcript.Select(m => new LiveMessage(m.SenderId, m.SenderRole, m.Content, m.CreatedAt)));
        LogRestored(services.GetRequiredService<ILogger<TranscriptStash>>(), rows.Select(m => m.ConversationId).Distinct().Count(), rows.Count);
    }

    [LoggerMessage(LogLevel.Information, "Saved {Conversations} live transcripts ({Messages} messages) for the next start")]
    static partial void LogSaved(ILogger logger, int conversations, int messages);

    [LoggerMessage(LogLevel.Information, "Restored {Conversations} live transcripts ({Messages} messages) saved at the last shutdown")]
    static partial void LogRestored(ILogger logger, int conversations, int messages);
}
