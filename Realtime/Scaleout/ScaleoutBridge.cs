using StackExchange.Redis;
using SupportChat.Common;
using SupportChat.Realtime.Events;

namespace SupportChat.Realtime.Scaleout;

/// <summary>
/// Redis engine (issue 15): at start, reads every live transcript from Redis and subscribes to the channel; then applies
/// what other instances publish to this instance's rooms and subscribed sockets, one event at a time in publishing
/// order (messages, closes, evictions, notifications, typing). After a reconnect it reads what it missed, and notices
/// when Redis lost its data.
/// </summary>
sealed partial class ScaleoutBridge(RedisTranscriptLog log, RoomStore rooms, Notifications notifications, TranscriptStash stash,
    ConversationStatuses statuses, ILogger<ScaleoutBridge> logger)
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    string _generation = "";

    /// <summary>
    /// Before the first request: waits up to 30 s for Redis, subscribes, moves what the transcript journal holds into
    /// Redis, then loads every live transcript (so that a message published meanwhile is applied in order too). False
    /// when Redis stays away: the service must not serve without it.
    /// </summary>
    public async Task<bool> TryStartAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!log.IsConnected)
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(100);   // the multiplexer is retrying; nothing to await on but its state
        }
        await log.SubscribeAsync(HandleAsync);
        log.Reconnected += () => _ = CatchUpAsync();
        _generation = await log.GenerationAsync();
        await stash.MoveJournalAsync(log.ImportAsync);   // live messages of a release that ran the in-process engine
        var live = await log.LiveConversationsAsync();
        foreach (var conversationId in live) await rooms.LoadAsync(conversationId);
        LogLoaded(logger, live.Length);
        return true;
    }

    Task HandleAsync(RedisTranscriptLog.BusEvent e)
    {
        if (!ObjectId.TryParse(e.Fields[0], out var conversationId) && e.Kind != 'N') return Task.CompletedTask;
        var mine = e.Instance == log.InstanceId;
        switch (e.Kind)
        {
            case 'M':
                // This instance applied its own messages already; the copy from the channel is ignored as a repeat.
                rooms.ApplyLogged(conversationId, e.Message!);
                if (!mine && e.Message!.Notify is { } receiver) notifications.MessageSentTo(conversationId, e.Message.Message, e.Message.Seq, receiver);
                break;
            case 'C' when !mine:
                rooms.ClosedElsewhere(conversationId);
                break;
            case 'E' when !mine && e.Fields.Length > 1 && ObjectId.TryParse(e.Fields[1], out var agentId):
                rooms.EvictHere(conversationId, agentId);
                break;
            case 'T' when !mine && e.Fields.Length > 2 && ObjectId.TryParse(e.Fields[1], out var userId):
                TypingEvent.RelayHere(notifications, rooms.OthersHere(conversationId, userId), new UserTypingData(conversationId, userId, e.Fields[2]));
                break;
            case 'N' when !mine:
                // Not awaited: each reads the database, and the messages behind it on the channel must not wait for that.
                _ = notifications.ApplyFromElsewhereAsync(e.Fields);
                break;
        }
        return Task.CompletedTask;
    }

    async Task CatchUpAsync()
    {
        try
        {
            var generation = await log.GenerationAsync();
            if (generation != _generation)
            {
                _generation = generation;
                rooms.MarkUnrecovered();
                LogDataLost(logger);
                // What this instance still holds goes back into Redis, for instances started later, closes and dedupe;
                // unless the database says a close committed meanwhile (Redis lost that too).
                foreach (var (conversationId, transcript) in rooms.HeldTranscripts())
                {
                    if (!await statuses.IsClosedAsync(conversationId)) await log.RestoreAsync(conversationId, transcript);
                    else
                    {
                        await log.ClosedAsync(conversationId);
                        rooms.ClosedElsewhere(conversationId);
                    }
                }
            }
            // Evictions published while Redis was away (or by an instance that died before it could) may be missing here.
            var withAgents = rooms.RoomsWithAgents();
            if (withAgents.Count > 0)
                foreach (var (conversationId, agentId) in await statuses.AssignedAgentsAsync(withAgents)) rooms.EvictHere(conversationId, agentId);
            await rooms.CatchUpAsync(await log.LiveConversationsAsync());
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogCatchUpFailed(logger, e);
        }
    }

    [LoggerMessage(LogLevel.Information, "Loaded {Conversations} live transcripts from Redis")]
    static partial void LogLoaded(ILogger logger, int conversations);

    [LoggerMessage(LogLevel.Error, "Redis lost its data (restarted without persistence): live transcripts are marked unrecovered")]
    static partial void LogDataLost(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Catching up with Redis after a reconnect failed; the next message or reconnect tries again")]
    static partial void LogCatchUpFailed(ILogger logger, Exception exception);
}
