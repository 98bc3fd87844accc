using StackExchange.Redis;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime.Scaleout;

namespace SupportChat.Realtime;

// The Redis engine's paths of the room store (issue 15). Each instance keeps a copy of every live transcript, kept in
// seq order by ApplyLogged, so joins, resumes and HTTP reads work on it exactly as with the in-process engine; what
// differs is who decides the order: the append script in Redis, not this process's lock.
sealed partial class RoomStore
{
    /// <summary>How long a send waits between tries while another instance's close holds the conversation's fence.</summary>
    static readonly TimeSpan FenceRetry = TimeSpan.FromMilliseconds(20);

    /// <summary>How long a gap in the applied seqs may stay open before it is read from the stream.</summary>
    static readonly TimeSpan GapGrace = TimeSpan.FromMilliseconds(50);

    async Task<AcceptedMessage?> SendThroughLogAsync(RedisTranscriptLog log, ObjectId conversationId, SocketConnection sender, string content,
        IReadOnlyList<MessageAttachment>? attachments, string? clientMessageId)
    {
        var fencedSince = 0L;
        while (true)
        {
            if (!_rooms.TryGetValue(conversationId, out var room)) return null;
            Task? closing = null;
            var floor = 0;
            ObjectId? notify = null;
            lock (room)
            {
                if (room.Retired) continue;
                if (room.Closing is { } close) closing = close.Task;
                else
                {
                    if (!room.Members.Contains(sender)) return null;
                    if (clientMessageId is not null && FirstSent(room, sender.UserId, clientMessageId) is { } first) return first;
                    floor = room.Messages.Count;
                    notify = NotifiedOf(room.Participants, sender.Role);
                }
            }
            if (closing is not null)
            {
                await closing;
                continue;
            }
            var message = NewMessage(sender.UserId, sender.Role, content, attachments, clientMessageId);
            var outcome = await log.AppendAsync(conversationId, message, sender.Serial, floor, notify);
            switch (outcome.State)
            {
                case AppendState.Appended:
                    ApplyLogged(conversationId, new LoggedMessage(outcome.Seq, message, log.InstanceId, sender.Serial, notify));
                    return new AcceptedMessage(message, outcome.Seq, Repeat: false, ParticipantsOf(conversationId));
                case AppendState.Repeat:
                    return new AcceptedMessage(outcome.Message!, outcome.Seq, Repeat: true, ParticipantsOf(conversationId));
                case AppendState.Closing:
                    await WaitOnFenceAsync(log, conversationId, ref fencedSince);   // a close elsewhere is committing: its outcome decides
                    continue;
                default:
                    return null;   // closed: the room is gone for this socket as for every other
            }
        }
    }

    async Task<(AppendedMessage? Message, bool LostToClose)> AppendThroughLogAsync(RedisTranscriptLog log, ObjectId conversationId, ObjectId senderId,
        string senderRole, string content, Participants participants, IReadOnlyList<MessageAttachment>? attachments)
    {
        var fencedSince = 0L;
        while (true)
        {
            var room = _rooms.GetOrAdd(conversationId, _ => new Room());
            Task? closing = null;
            int floor;
            lock (room)
            {
                if (room.Retired) continue;
                room.Participants = participants;
                floor = room.Messages.Count;
                if (room.Closing is { } close) closing = close.Task;
            }
            if (closing is not null)
            {
                await closing;
                continue;
            }
            var message = NewMessage(senderId, senderRole, content, attachments);
            var notify = NotifiedOf(participants, senderRole);
            // The fence makes the epoch check of the in-process engine unnecessary: whatever the script accepted came before
            // any close's fence, so that close persists it; after the fence the script refuses.
            var outcome = await log.AppendAsync(conversationId, message, origin: 0, floor, notify);
            switch (outcome.State)
            {
                case AppendState.Appended:
                    ApplyLogged(conversationId, new LoggedMessage(outcome.Seq, message, log.InstanceId, 0, notify));
                    lock (room) return (new AppendedMessage(conversationId, message, outcome.Seq, room, participants), false);
                case AppendState.Closing:
                    await WaitOnFenceAsync(log, conversationId, ref fencedSince);
                    continue;
                default:
                    lock (room) RetireIfEmpty(conversationId, room);
                    return (null, true);
            }
        }
    }

    /// <summary>
    /// A send met a close's fence: waits a moment to try again. A fence older than <see cref="RedisTranscriptLog.FenceStaleAfter"/> was left by
    /// a closer that died or lost Redis after its commit: the database decides, closing it in Redis too or lifting the fence.
    /// </summary>
    Task WaitOnFenceAsync(RedisTranscriptLog log, ObjectId conversationId, ref long fencedSince)
    {
        if (fencedSince == 0) fencedSince = clock.GetTimestamp();
        else if (clock.GetElapsedTime(fencedSince) > log.FenceStaleAfter && statuses is not null)
        {
            fencedSince = 0;
            return ResolveFenceAsync(log, conversationId, statuses);
        }
        return Task.Delay(FenceRetry);
    }

    async Task ResolveFenceAsync(RedisTranscriptLog log, ObjectId conversationId, ConversationStatuses statuses)
    {
        var closed = await statuses.IsClosedAsync(conversationId);
        if (logger is not null) LogStaleFence(logger, conversationId, closed);
        if (!closed)
        {
            await log.BreakFenceAsync(conversationId);
            return;
        }
        await log.ClosedAsync(conversationId);
        ClosedElsewhere(conversationId);   // the channel's copy of this close is this instance's own, which it skips
    }

    static ObjectId? NotifiedOf(Participants? participants, string senderRole) =>
        participants is null ? null : senderRole == Roles.Candidate ? participants.AgentId : participants.CandidateId;

    Participants? ParticipantsOf(ObjectId conversationId)
    {
        if (!_rooms.TryGetValue(conversationId, out var room)) return null;
        lock (room) return room.Participants;
    }

    /// <summary>
    /// Redis engine: puts a message of the log into this instance's copy of the transcript, in seq order: one already
    /// here is ignored; one above a gap waits until the gap is read from the stream; each is delivered as NEW_MESSAGE to
    /// every socket in the room here but the one that sent it. Called by this instance's own sends, by the channel
    /// (<see cref="ScaleoutBridge"/>) and at start.
    /// </summary>
    public void ApplyLogged(ObjectId conversationId, LoggedMessage logged)
    {
        while (true)
        {
            var room = _rooms.GetOrAdd(conversationId, _ => new Room());
            bool fill;
            lock (room)
            {
                if (room.Retired) continue;
                if (room.Closed) return;
                fill = ApplyInOrder(conversationId, room, logged);
            }
            if (fill) _ = FillGapAsync(conversationId, room);
            return;
        }
    }

    /// <summary>Under the room's lock; true when the message is above a gap and no read of the stream is filling it yet.</summary>
    bool ApplyInOrder(ObjectId conversationId, Room room, LoggedMessage logged)
    {
        if (logged.Seq <= room.Messages.Count) return false;
        if (logged.Seq > room.Messages.Count + 1)
        {
            (room.Ahead ??= [])[logged.Seq] = logged;
            if (room.Filling) return false;
            room.Filling = true;
            return true;
        }
        Deliver(conversationId, room, logged);
        while (room.Ahead is { } ahead && ahead.Remove(room.Messages.Count + 1, out var next)) Deliver(conversationId, room, next);
        if (room.Ahead is { Count: 0 }) room.Ahead = null;
        return false;
    }

    void Deliver(ObjectId conversationId, Room room, LoggedMessage logged)
    {
        room.Messages.Add(logged.Message);
        var seq = room.Messages.Count;
        if (logged.Message.ClientMessageId is { } clientMessageId) (room.ClientMessageIds ??= []).TryAdd((logged.Message.SenderId, clientMessageId), seq);
        if (room.Members.Count == 0 || logged.Message.IsLost) return;
        var sender = logged.Instance == log!.InstanceId ? logged.Origin : 0;
        var frame = Frames.NewMessage(conversationId, logged.Message, seq);
        foreach (var member in room.Members)
            if (member.Serial != sender) member.Enqueue(frame);
    }

    /// <summary>
    /// Reads the messages missing below those waiting in <see cref="Room.Ahead"/> from the stream and applies them. If the
    /// stream no longer has them (Redis lost its data), the room is marked unrecovered and the gap is held by placeholders
    /// that are never delivered or stored, so the chat goes on. A Redis error leaves the gap for the next message or reconnect.
    /// </summary>
    async Task FillGapAsync(ObjectId conversationId, Room room)
    {
        try
        {
            // The missing message is usually on its way already: this instance's own replies and the channel arrive on two
            // connections in no order between them. Reading it from the stream at once cost an extra round trip on up to
            // 0.4 of sends (BENCHMARKS.md "Scale-out on Redis"); only a gap still open after a moment needs the read.
            await Task.Delay(GapGrace);
            while (true)
            {
                int from, to;
                lock (room)
                {
                    if (room.Ahead is not { Count: > 0 } ahead || room.Retired || room.Closed)
                    {
                        room.Filling = false;
                        return;
                    }
                    from = room.Messages.Count + 1;
                    to = ahead.Keys.First() - 1;
                }
                var read = to >= from ? await log!.ReadAsync(conversationId, from, to) : [];
                lock (room)
                {
                    foreach (var logged in read) ApplyInOrder(conversationId, room, logged);
                    // Still short of what was read for: the stream lacks it. (Short of a newer gap only: the loop reads again.)
                    if (room.Messages.Count < to && room.Ahead is { Count: > 0 } ahead)
                    {
                        room.Unrecovered = true;
                        if (logger is not null) LogGapLost(logger, conversationId, room.Messages.Count + 1, ahead.Keys.First() - 1);
                        while (room.Messages.Count + 1 < ahead.Keys.First()) room.Messages.Add(LiveMessage.Lost);
                        ApplyInOrder(conversationId, room, ahead.Values.First());
                    }
                }
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            lock (room) room.Filling = false;
            if (logger is not null) LogFillFailed(logger, e, conversationId);
        }
    }

    /// <summary>
    /// Redis engine: after a reconnect, reads what this instance missed while the channel was down: for every transcript
    /// held here, the messages after the last one held, and whether a close committed meanwhile; and every transcript of
    /// <paramref name="live"/> (the conversations live in Redis) not held here at all, whose first messages it missed.
    /// </summary>
    public async Task CatchUpAsync(IEnumerable<ObjectId> live)
    {
        foreach (var conversationId in live)
            if (!_rooms.ContainsKey(conversationId)) await LoadAsync(conversationId);
        foreach (var (conversationId, room) in _rooms)
        {
            int from;
            lock (room)
            {
                if (room.Retired || room.Closed) continue;
                from = room.Messages.Count + 1;
            }
            foreach (var logged in await log!.ReadAsync(conversationId, from)) ApplyLogged(conversationId, logged);
            if (await log.IsClosedAsync(conversationId)) ClosedElsewhere(conversationId);
        }
    }

    /// <summary>Redis engine, at start: this instance's copy of a live transcript, read whole from the stream.</summary>
    public async Task LoadAsync(ObjectId conversationId)
    {
        foreach (var logged in await log!.ReadAsync(conversationId, 1)) ApplyLogged(conversationId, logged);
    }

    /// <summary>Redis engine: the sockets in the room here of users other than <paramref name="userId"/> (who is typing elsewhere).</summary>
    public SocketConnection[] OthersHere(ObjectId conversationId, ObjectId userId)
    {
        if (!_rooms.TryGetValue(conversationId, out var room)) return [];
        lock (room) return [.. room.Members.Where(m => m.UserId != userId)];
    }

    /// <summary>False only while the Redis engine cannot reach Redis: a message appended now would be refused.</summary>
    public bool CanAppend => log is null || log.IsConnected;

    /// <summary>Whether the Redis engine holds the live transcripts (issue 15); then there are no checkpoints.</summary>
    public bool UsesRedis => log is not null;

    /// <summary>Redis engine: Redis lost its data; every transcript held here is marked so that joins say <c>recovered: false</c>.</summary>
    public void MarkUnrecovered()
    {
        foreach (var room in _rooms.Values)
            lock (room) room.Unrecovered = true;
    }

    /// <summary>
    /// Redis engine: another instance closed the conversation (the close committed): every socket here gets
    /// CONVERSATION_CLOSED and the room and its transcript are gone, as for a close on this instance.
    /// </summary>
    public void ClosedElsewhere(ObjectId conversationId)
    {
        if (!_rooms.TryGetValue(conversationId, out var room)) return;
        SocketConnection[] notify;
        lock (room)
        {
            if (room.Closed || room.Closing is not null) return;   // this instance's own close, or one it is running
            notify = SweepClosed(conversationId, room);
        }
        var frame = Frames.Serialize(EventNames.ConversationClosed, new ConversationRef(conversationId));
        foreach (var member in notify) member.Enqueue(frame);
    }

    /// <summary>Under the room's lock, once its close committed: empties it and returns the sockets that were in it.</summary>
    SocketConnection[] SweepClosed(ObjectId conversationId, Room room)
    {
        room.Closed = true;
        Interlocked.Increment(ref _membershipEpoch);
        SocketConnection[] members = [.. room.Members];
        foreach (var member in room.Members)
            lock (member.Rooms) member.Rooms.Remove(conversationId);
        room.Members.Clear();
        room.Messages.Clear();
        room.Ahead = null;
        room.ClientMessageIds = null;
        room.TypingRelayedAt = null;
        RetireIfEmpty(conversationId, room);
        return members;
    }

    /// <summary>
    /// Redis engine, for <see cref="CloseAsync"/>: fences the conversation in Redis (sends everywhere are refused while the
    /// close commits) and returns the transcript up to the last seq before the fence, from this instance's copy once it
    /// has caught up with the stream. Null when a close already committed it. Waits while another instance's close holds the fence.
    /// </summary>
    async Task<IReadOnlyList<LiveMessage>?> FenceAndReadAsync(RedisTranscriptLog log, ObjectId conversationId, string token)
    {
        var fencedSince = 0L;
        while (true)
        {
            var (lastSeq, closed) = await log.FenceAsync(conversationId, token);
            if (closed) return null;
            if (lastSeq is not { } last)
            {
                await WaitOnFenceAsync(log, conversationId, ref fencedSince);   // another close holds it, or a dead one left it
                continue;
            }
            int held;
            var room = _rooms.GetOrAdd(conversationId, _ => new Room());
            lock (room) held = room.Messages.Count;
            if (held < last)
                foreach (var logged in await log.ReadAsync(conversationId, held + 1, last)) ApplyLogged(conversationId, logged);
            lock (room)
            {
                if (room.Messages.Count < last) throw new InvalidOperationException("The live transcript could not be read whole from Redis.");
                // More here than Redis knows of only when Redis lost its data: this copy is then the better transcript.
                return [.. room.Messages.Take(Math.Max(last, held))];
            }
        }
    }

    /// <summary>
    /// Redis engine, for <see cref="CloseAsync"/>: fence, read, persist; then tells every instance (and every later send) that
    /// it closed, or lifts the fence when the database refused the close or persisting threw. <c>ClosedElsewhere</c>: another
    /// instance's close committed first (this one is refused, and the room here must still be swept).
    /// </summary>
    async Task<(bool Closed, bool ClosedElsewhere)> CloseThroughLogAsync(RedisTranscriptLog log, ObjectId conversationId,
        Func<IReadOnlyList<LiveMessage>, Task<bool>> persist, Func<int, IReadOnlyList<LiveMessage>, Task> persistLate)
    {
        var fence = Guid.NewGuid().ToString("N");   // this close's token: it lifts only its own fence
        if (await FenceAndReadAsync(log, conversationId, fence) is not { } transcript) return (false, true);
        bool closed;
        try
        {
            closed = await persist(transcript);
        }
        catch
        {
            await log.UnfenceAsync(conversationId, fence);
            throw;
        }
        if (!closed) await log.UnfenceAsync(conversationId, fence);
        else
        {
            Task Finish() => FinishCloseAsync(log, conversationId, transcript.Count, persistLate);
            try
            {
                await Finish();
            }
            catch (Exception e) when (ErrorHandling.IsBrokerOutage(e))
            {
                // The close committed: it stands. Redis learns of it once it is back; meanwhile the fence (which has no
                // expiry) keeps every send waiting, and sends elsewhere resolve it against the database if this process dies.
                _ = RetryUntilDoneAsync(Finish);
            }
        }
        return (closed, false);
    }

    /// <summary>
    /// Marks the committed close in Redis. Messages Redis appended above the <paramref name="persisted"/> the close wrote (sends
    /// that got past a fence Redis lost with its data, and were acknowledged) are read and persisted after it, so none is lost.
    /// </summary>
    async Task FinishCloseAsync(RedisTranscriptLog log, ObjectId conversationId, int persisted, Func<int, IReadOnlyList<LiveMessage>, Task> persistLate)
    {
        var last = await log.ClosedAsync(conversationId);
        if (last <= persisted) return;
        var late = await log.ReadAsync(conversationId, persisted + 1, last);
        if (logger is not null) LogLatePersisted(logger, conversationId, late.Count);
        if (late.Count > 0) await persistLate(late[0].Seq - 1, [.. late.Select(m => m.Message)]);
    }

    /// <summary>
    /// Runs <paramref name="work"/> (a Redis write whose change already committed in the database) until Redis takes it,
    /// every <see cref="FenceRetry"/> × 25 (half a second).
    /// </summary>
    internal async Task RetryUntilDoneAsync(Func<Task> work)
    {
        while (true)
        {
            await Task.Delay(FenceRetry * 25);
            try
            {
                await work();
                return;
            }
            catch (Exception e) when (ErrorHandling.IsBrokerOutage(e))
            {
                // still away
            }
        }
    }

    /// <summary>Redis engine: the conversations whose rooms here have an agent's socket in them.</summary>
    public List<ObjectId> RoomsWithAgents()
    {
        var withAgents = new List<ObjectId>();
        foreach (var (conversationId, room) in _rooms)
            lock (room)
                if (room.Members.Exists(m => m.Role == Roles.Agent)) withAgents.Add(conversationId);
        return withAgents;
    }

    /// <summary>Redis engine, after Redis lost its data: every live transcript held here, placeholders included, to write back.</summary>
    public List<(ObjectId ConversationId, LiveMessage[] Transcript)> HeldTranscripts()
    {
        var held = new List<(ObjectId, LiveMessage[])>();
        foreach (var (conversationId, room) in _rooms)
            lock (room)
                if (!room.Closed && room.Messages.Count > 0) held.Add((conversationId, [.. room.Messages]));
        return held;
    }

    [LoggerMessage(LogLevel.Warning, "{Count} messages of conversation {ConversationId} got past its close's fence (Redis lost it) and were persisted after the close")]
    static partial void LogLatePersisted(ILogger logger, ObjectId conversationId, int count);

    [LoggerMessage(LogLevel.Warning, "A close's fence on conversation {ConversationId} outlived its close; the database says closed: {Closed}")]
    static partial void LogStaleFence(ILogger logger, ObjectId conversationId, bool closed);

    [LoggerMessage(LogLevel.Error, "Redis no longer holds messages {From}-{To} of conversation {ConversationId}: it lost its data; the room is marked unrecovered")]
    static partial void LogGapLost(ILogger logger, ObjectId conversationId, int from, int to);

    [LoggerMessage(LogLevel.Warning, "Reading missed messages of conversation {ConversationId} from Redis failed; retried with the next message or reconnect")]
    static partial void LogFillFailed(ILogger logger, Exception exception, ObjectId conversationId);
}
