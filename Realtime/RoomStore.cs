using System.Collections.Concurrent;
using System.Net.WebSockets;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Conversations;
using SupportChat.Realtime.Scaleout;

namespace SupportChat.Realtime;

/// <summary>
/// The only shared mutable state of the live chat: per conversation, the sockets in its room and its live
/// transcript. Each conversation's state changes under its own lock, so appending a message and fanning it out
/// happen in one order for every receiver; nothing awaits while holding a lock.
/// Two engines (issue 15): in-process (<paramref name="log"/> null), where this transcript is the transcript; and Redis,
/// where the transcript is a Redis stream (<see cref="RedisTranscriptLog"/>) that assigns each message its seq, and the
/// transcript here is this instance's copy of it, applied strictly in seq order (<see cref="ApplyLogged"/>) whichever way a
/// message arrives: from this instance's own send, from the channel, or read back from the stream to fill a gap.
/// </summary>
sealed partial class RoomStore(TimeProvider clock, RedisTranscriptLog? log = null, ILogger<RoomStore>? logger = null,
    ConversationStatuses? statuses = null)
{
    sealed class Room
    {
        public readonly List<SocketConnection> Members = [];
        public readonly List<LiveMessage> Messages = [];
        /// <summary>How many of <see cref="Messages"/> are already in the transcript journal (see <see cref="TranscriptStash"/>).</summary>
        public int Checkpointed;
        /// <summary>Set while a close persists the transcript; sends and joins wait for its outcome.</summary>
        public TaskCompletionSource? Closing;
        /// <summary>Removed from the store; whoever still holds it must look the conversation up again.</summary>
        public bool Retired;
        /// <summary>TYPING: per sending user, when their last one was relayed (<see cref="TimeProvider.GetTimestamp"/>); null until the first.</summary>
        public Dictionary<ObjectId, long>? TypingRelayedAt;
        /// <summary>The candidate and assigned agent, as the last join or HTTP send read them (null until one did; kept
        /// current by <see cref="EvictHere"/>): whom MESSAGE_NOTIFICATION may go to.</summary>
        public Participants? Participants;
        /// <summary>(user, clientMessageId) → seq of the message it sent first; null until a send carries one.</summary>
        public Dictionary<(ObjectId UserId, string ClientMessageId), int>? ClientMessageIds;
        /// <summary>A close committed this room's transcript (see <see cref="SettleAfterCloseAsync"/>).</summary>
        public bool Closed;
        /// <summary>Redis engine: messages that arrived ahead of a gap, by seq, until the gap is filled from the stream.</summary>
        public SortedDictionary<int, LoggedMessage>? Ahead;
        /// <summary>Redis engine: a read of the stream to fill the gap below <see cref="Ahead"/> is under way.</summary>
        public bool Filling;
        /// <summary>Redis engine: Redis lost this transcript's data (restarted without persistence); joins say <c>recovered: false</c>.</summary>
        public bool Unrecovered;
        public bool IsEmpty => Members.Count == 0 && Messages.Count == 0 && Closing is null;
    }

    readonly ConcurrentDictionary<ObjectId, Room> _rooms = new();
    readonly ConcurrentDictionary<SocketConnection, byte> _connections = new();
    long _membershipEpoch;
    volatile bool _shuttingDown;

    /// <summary>
    /// Advances whenever sockets are removed from a room by someone else (a close, a reassignment). A join that saw
    /// it change between authorizing and entering the room must authorize again: the removal may have missed it.
    /// </summary>
    public long MembershipEpoch => Interlocked.Read(ref _membershipEpoch);

    /// <summary>
    /// Enters the room and, under its lock, queues JOINED_CONVERSATION (<paramref name="joinedFrame"/> gets the lastSeq of
    /// that moment) and then, with <paramref name="sinceSeq"/>, every message with a higher seq not yet sent to this socket
    /// as a replayed NEW_MESSAGE, oldest first (CONTRACT.md Part 2 "WebSocket additions", resume). The frame's second
    /// argument is false when the Redis engine lost this transcript's data (issue 15), else null. Any message accepted
    /// later is queued after them, so none is lost or sent twice. False, with nothing done, when
    /// <see cref="MembershipEpoch"/> is no longer <paramref name="epoch"/> (read before authorizing): a close or
    /// reassignment in between may have missed this socket, so the caller must authorize again.
    /// </summary>
    public async Task<bool> JoinAsync(ObjectId conversationId, SocketConnection socket, long epoch, Participants participants,
        Func<int, bool?, byte[]> joinedFrame, long? sinceSeq)
    {
        while (true)
        {
            var room = _rooms.GetOrAdd(conversationId, _ => new Room());
            Task closing;
            lock (room)
            {
                if (room.Retired) continue;
                if (room.Closing is null)
                {
                    if (MembershipEpoch != epoch)
                    {
                        RetireIfEmpty(conversationId, room);
                        return false;
                    }
                    room.Participants = participants;
                    var lastSeq = room.Messages.Count;
                    int sentAbove;
                    List<SentRange>? sentEarlier = null;
                    lock (socket.Rooms)
                    {
                        if (!socket.Rooms.TryGetValue(conversationId, out sentAbove))
                        {
                            room.Members.Add(socket);
                            sentAbove = lastSeq;   // live from here on
                        }
                        socket.SentBeforeLeaving?.TryGetValue(conversationId, out sentEarlier);
                    }
                    socket.Enqueue(joinedFrame(lastSeq, room.Unrecovered ? false : null));
                    // Replayed: above sinceSeq, below what this connection is sent live, and not sent before it left the room.
                    var from = sinceSeq is { } since ? (int)Math.Min(since, sentAbove) : sentAbove;
                    for (var i = from; i < sentAbove; i++)
                        if ((sentEarlier is null || !sentEarlier.Exists(range => range.Contains(i + 1))) && !room.Messages[i].IsLost)
                            socket.Enqueue(Frames.NewMessage(conversationId, room.Messages[i], i + 1, replayed: true));
                    lock (socket.Rooms)
                    {
                        socket.Rooms[conversationId] = from;
                        // Everything above from now counts as sent; only earlier ranges below it are still needed.
                        if (sentEarlier is not null && sentEarlier.RemoveAll(range => range.From >= from) > 0 && sentEarlier.Count == 0)
                            socket.SentBeforeLeaving!.Remove(conversationId);
                    }
                    return true;
                }
                closing = room.Closing.Task;
            }
            await closing;
        }
    }

    /// <summary>
    /// Appends to the transcript and queues NEW_MESSAGE for every other socket in the room; null if the sender is not in it.
    /// With a <paramref name="clientMessageId"/> this user already sent in this conversation, nothing is stored or delivered
    /// and the first message comes back as a repeat (CONTRACT.md Part 2 "WebSocket additions", idempotent sends).
    /// </summary>
    public async Task<AcceptedMessage?> SendAsync(ObjectId conversationId, SocketConnection sender, string content,
        IReadOnlyList<MessageAttachment>? attachments = null, string? clientMessageId = null)
    {
        if (log is not null) return await SendThroughLogAsync(log, conversationId, sender, content, attachments, clientMessageId);
        while (true)
        {
            if (!_rooms.TryGetValue(conversationId, out var room)) return null;
            Task closing;
            lock (room)
            {
                if (room.Retired) continue;
                if (room.Closing is null)
                {
                    // After shutdown began the last checkpoint is due: a later message could miss it, so it is refused.
                    if (_shuttingDown || !room.Members.Contains(sender)) return null;
                    if (clientMessageId is not null && FirstSent(room, sender.UserId, clientMessageId) is { } first) return first;
                    var message = NewMessage(sender.UserId, sender.Role, content, attachments, clientMessageId);
                    room.Messages.Add(message);
                    var seq = room.Messages.Count;
                    if (clientMessageId is not null) (room.ClientMessageIds ??= [])[(sender.UserId, clientMessageId)] = seq;
                    var frame = Frames.NewMessage(conversationId, message, seq);
                    foreach (var member in room.Members)
                        if (member != sender) member.Enqueue(frame);
                    return new AcceptedMessage(message, seq, Repeat: false, room.Participants);
                }
                closing = room.Closing.Task;
            }
            await closing;   // the close decides whether this message still has a room to go to
        }
    }

    /// <summary>The message <paramref name="sender"/>'s user already sent with <paramref name="clientMessageId"/>, if the socket is in the room and there is one.</summary>
    public AcceptedMessage? SentBefore(ObjectId conversationId, SocketConnection sender, string clientMessageId)
    {
        if (!_rooms.TryGetValue(conversationId, out var room)) return null;
        lock (room) return !room.Retired && room.Members.Contains(sender) ? FirstSent(room, sender.UserId, clientMessageId) : null;
    }

    static AcceptedMessage? FirstSent(Room room, ObjectId userId, string clientMessageId) =>
        room.ClientMessageIds is { } ids && ids.TryGetValue((userId, clientMessageId), out var seq)
            ? new AcceptedMessage(room.Messages[seq - 1], seq, Repeat: true, room.Participants)
            : null;

    /// <summary>Whether the socket is in the conversation's room now (a send checks it again when it appends).</summary>
    public bool IsMember(ObjectId conversationId, SocketConnection socket)
    {
        if (!_rooms.TryGetValue(conversationId, out var room)) return false;
        lock (room) return !room.Retired && room.Members.Contains(socket);
    }

    /// <summary>
    /// TYPING from <paramref name="sender"/>: <see cref="TypingOutcome.Relay"/> with the sockets of the room's other
    /// users in <paramref name="others"/>, at most once per sending user and <paramref name="interval"/> (CONTRACT.md
    /// Part 2: one every 2 seconds); <see cref="TypingOutcome.Dropped"/> within it; <see cref="TypingOutcome.NotInRoom"/>
    /// when the sender has not joined.
    /// </summary>
    public TypingOutcome Typing(ObjectId conversationId, SocketConnection sender, TimeSpan interval, out SocketConnection[] others)
    {
        others = [];
        if (!_rooms.TryGetValue(conversationId, out var room)) return TypingOutcome.NotInRoom;
        lock (room)
        {
            if (!room.Members.Contains(sender)) return TypingOutcome.NotInRoom;
            var relayedAt = room.TypingRelayedAt ??= [];
            // Per user, not per socket: two tabs typing at once still relay one.
            if (relayedAt.TryGetValue(sender.UserId, out var last) && clock.GetElapsedTime(last) < interval) return TypingOutcome.Dropped;
            relayedAt[sender.UserId] = clock.GetTimestamp();
            others = [.. room.Members.Where(m => m.UserId != sender.UserId)];
            return TypingOutcome.Relay;
        }
    }

    /// <summary>Takes the socket out of the room; false if it was not in it.</summary>
    public bool Leave(ObjectId conversationId, SocketConnection socket) => Leave(conversationId, socket, staysConnected: true);

    bool Leave(ObjectId conversationId, SocketConnection socket, bool staysConnected)
    {
        if (!_rooms.TryGetValue(conversationId, out var room)) return false;
        lock (room)
        {
            if (!room.Members.Remove(socket)) return false;
            if (staysConnected) Depart(socket, conversationId, room.Messages.Count);
            else lock (socket.Rooms) socket.Rooms.Remove(conversationId);
            RetireIfEmpty(conversationId, room);
            return true;
        }
    }

    /// <summary>On disconnect: out of every room. Live transcripts stay until their conversations close.</summary>
    public void LeaveAll(SocketConnection socket)
    {
        ObjectId[] rooms;
        lock (socket.Rooms) rooms = [.. socket.Rooms.Keys];
        foreach (var conversationId in rooms) Leave(conversationId, socket, staysConnected: false);
    }

    /// <summary>
    /// A socket that stays connected leaves a room (under the room's lock): it remembers which seqs it was sent while in it,
    /// so that a resuming JOIN on this connection does not send them again (CONTRACT.md Part 2, resume).
    /// </summary>
    static void Depart(SocketConnection socket, ObjectId conversationId, int lastSeq)
    {
        lock (socket.Rooms)
        {
            if (!socket.Rooms.Remove(conversationId, out var sentAbove) || sentAbove >= lastSeq) return;
            var sentEarlier = socket.SentBeforeLeaving ??= [];
            if (!sentEarlier.TryGetValue(conversationId, out var ranges)) sentEarlier[conversationId] = ranges = [];
            ranges.Add(new SentRange(sentAbove, lastSeq));
        }
    }

    /// <summary>
    /// After an assignment: removes every agent socket but <paramref name="assignedAgentId"/>'s from the room, so a
    /// replaced agent loses access at once. Keyed on who is assigned rather than who was, so that two assignments
    /// racing each other can never leave a replaced agent inside; at worst the winner's agent must join again.
    /// With the Redis engine the eviction also goes to every other instance (in order with the messages), which apply it with
    /// <see cref="EvictHere"/>; while Redis is unreachable it is published once Redis is back.
    /// </summary>
    public async Task EvictAgentsExceptAsync(ObjectId conversationId, ObjectId assignedAgentId)
    {
        EvictHere(conversationId, assignedAgentId);
        if (log is null) return;
        Task Publish() => log.PublishAsync('E', $"{conversationId}|{assignedAgentId}");
        try
        {
            await Publish();
        }
        catch (Exception e) when (Common.Http.ErrorHandling.IsBrokerOutage(e))
        {
            // The assignment committed; while Redis is away nobody can send, and the eviction goes out once it is back.
            _ = RetryUntilDoneAsync(Publish);
        }
    }

    /// <summary>The eviction of <see cref="EvictAgentsExceptAsync"/> on this instance only.</summary>
    public void EvictHere(ObjectId conversationId, ObjectId assignedAgentId)
    {
        Interlocked.Increment(ref _membershipEpoch);   // before removing, so a join racing past the removal notices
        if (!_rooms.TryGetValue(conversationId, out var room)) return;
        lock (room)
        {
            if (room.Participants is { } participants) room.Participants = participants with { AgentId = assignedAgentId };
            foreach (var member in room.Members.Where(m => m.Role == Roles.Agent && m.UserId != assignedAgentId).ToArray())
            {
                room.Members.Remove(member);
                Depart(member, conversationId, room.Messages.Count);   // a later reassignment back may let it join again
            }
            RetireIfEmpty(conversationId, room);
        }
    }

    /// <summary>The live transcript, oldest first; empty when there is none.</summary>
    public IReadOnlyList<LiveMessage> Transcript(ObjectId conversationId)
    {
        if (!_rooms.TryGetValue(conversationId, out var room)) return [];
        lock (room) return [.. room.Messages];
    }

    /// <summary>
    /// Closes a conversation: <paramref name="persist"/> gets the whole live transcript and commits it with the status
    /// change (returning false if the database refused the close). Meanwhile sends and joins on this conversation
    /// wait, so no message lands after the snapshot. On success every socket but <paramref name="closer"/> gets
    /// CONVERSATION_CLOSED and the room and transcript are gone. <paramref name="persistLate"/> (Redis engine only) appends
    /// messages that got past the close's fence after the commit (0-based first position, messages).
    /// </summary>
    public async Task<bool> CloseAsync(ObjectId conversationId, Func<IReadOnlyList<LiveMessage>, Task<bool>> persist, SocketConnection? closer = null,
        Func<int, IReadOnlyList<LiveMessage>, Task>? persistLate = null)
    {
        var outcome = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Room room;
        LiveMessage[] transcript;
        while (true)
        {
            room = _rooms.GetOrAdd(conversationId, _ => new Room());
            Task closing;
            lock (room)
            {
                if (room.Retired) continue;
                if (room.Closing is null)
                {
                    room.Closing = outcome;
                    transcript = [.. room.Messages];
                    break;
                }
                closing = room.Closing.Task;
            }
            await closing;
        }

        bool closed = false, closedElsewhere = false;
        SocketConnection[] notify = [];
        try
        {
            // Redis engine: the transcript is what the stream holds before the fence, wherever it was sent.
            if (log is null) closed = await persist(transcript);
            else (closed, closedElsewhere) = await CloseThroughLogAsync(log, conversationId, persist,
                persistLate ?? throw new InvalidOperationException("The Redis engine's close needs persistLate."));
        }
        finally
        {
            lock (room)
            {
                room.Closing = null;
                if (closed) notify = [.. SweepClosed(conversationId, room).Where(m => m != closer)];
                // Closed elsewhere: that instance's close event found this one closing and left the room to it. As when
                // two closes race on one instance, the losing closer hears CONVERSATION_CLOSED like everyone else.
                else if (closedElsewhere) notify = SweepClosed(conversationId, room);
                else RetireIfEmpty(conversationId, room);
            }
            outcome.SetResult();
        }

        var frame = Frames.Serialize(EventNames.ConversationClosed, new ConversationRef(conversationId));
        foreach (var member in notify) member.Enqueue(frame);
        return closed;
    }

    /// <summary>
    /// A message sent without a socket (POST /conversations/:id/messages, the opening message of POST /conversations),
    /// appended like a WebSocket send and delivered as NEW_MESSAGE to every socket in the room, the sender's own included.
    /// The caller checked in the database that the conversation is not closed, reading <see cref="MembershipEpoch"/>
    /// before; if the epoch moved since, a close may have committed in between and the caller must ask
    /// <see cref="SettleAfterCloseAsync"/> once the database says closed. Null after shutdown began (the last checkpoint
    /// is due, so a later message could miss it).
    /// </summary>
    public async Task<AppendedMessage?> AppendAsync(ObjectId conversationId, ObjectId senderId, string senderRole, string content,
        long epochBeforeCheck, Participants participants, IReadOnlyList<MessageAttachment>? attachments = null)
    {
        while (true)
        {
            var room = _rooms.GetOrAdd(conversationId, _ => new Room());
            Task closing;
            lock (room)
            {
                if (room.Retired) continue;
                if (room.Closing is null)
                {
                    if (_shuttingDown)
                    {
                        RetireIfEmpty(conversationId, room);
                        return null;
                    }
                    // Read before the caller's check: if no close or reassignment came since, they are current.
                    if (MembershipEpoch == epochBeforeCheck) room.Participants = participants;
                    var message = NewMessage(senderId, senderRole, content, attachments);
                    room.Messages.Add(message);
                    var seq = room.Messages.Count;
                    var frame = Frames.NewMessage(conversationId, message, seq);
                    foreach (var member in room.Members) member.Enqueue(frame);
                    return new AppendedMessage(conversationId, message, seq, room, room.Participants);
                }
                closing = room.Closing.Task;
            }
            await closing;
        }
    }

    /// <summary>
    /// <see cref="AppendAsync"/> for a caller that read <see cref="MembershipEpoch"/> (<paramref name="epochBeforeCheck"/>)
    /// before checking in the database that the conversation is not closed. If a close may have committed since
    /// (the epoch moved) and <paramref name="closedNow"/> says it did, the message counts only if that close persisted it.
    /// Null when refused: <c>LostToClose</c> tells a close that won (answer "Conversation already closed") from shutdown.
    /// </summary>
    public async Task<(AppendedMessage? Message, bool LostToClose)> AppendCheckedAsync(ObjectId conversationId, ObjectId senderId, string senderRole,
        string content, long epochBeforeCheck, Participants participants, Func<Task<bool>> closedNow, IReadOnlyList<MessageAttachment>? attachments = null)
    {
        if (log is not null) return await AppendThroughLogAsync(log, conversationId, senderId, senderRole, content, participants, attachments);
        var appended = await AppendAsync(conversationId, senderId, senderRole, content, epochBeforeCheck, participants, attachments);
        if (appended is null) return (null, false);
        if (MembershipEpoch == epochBeforeCheck || !await closedNow()) return (appended, false);
        return await SettleAfterCloseAsync(appended) ? (appended, false) : (null, true);
    }

    /// <summary>
    /// For an <see cref="AppendAsync"/> whose conversation the database now says is closed: true if the message was in the
    /// transcript the close persisted (it was accepted before the close); false if it landed after the close, in a room
    /// nobody can join any more, which is then dropped with whatever it holds.
    /// </summary>
    public async Task<bool> SettleAfterCloseAsync(AppendedMessage appended)
    {
        var room = (Room)appended.Room;
        while (true)
        {
            Task closing;
            lock (room)
            {
                if (room.Closed) return true;
                if (room.Closing is null)
                {
                    foreach (var member in room.Members)
                        lock (member.Rooms) member.Rooms.Remove(appended.ConversationId);
                    room.Members.Clear();
                    room.Messages.Clear();
                    room.ClientMessageIds = null;
                    RetireIfEmpty(appended.ConversationId, room);
                    return false;
                }
                closing = room.Closing.Task;
            }
            await closing;
        }
    }

    /// <summary>The seq of the last live message (0 without any): what JOINED_CONVERSATION reports as <c>lastSeq</c>.</summary>
    public int LastSeq(ObjectId conversationId)
    {
        if (!_rooms.TryGetValue(conversationId, out var room)) return 0;
        lock (room) return room.Messages.Count;
    }

    /// <summary>
    /// The live figures of a conversation (CONTRACT.md Part 2 "Conversation fields"), read under the room's lock so they
    /// agree with each other; all zero and null without a live transcript. The read markers come from the database.
    /// </summary>
    public LiveSummary Summarize(ObjectId conversationId, int candidateReadSeq, int agentReadSeq)
    {
        if (!_rooms.TryGetValue(conversationId, out var room)) return default;
        lock (room) return LiveSummary.Of(room.Messages, candidateReadSeq, agentReadSeq);
    }

    /// <summary>One page of the live transcript (GET /conversations/:id/messages), chosen and copied under the room's lock.</summary>
    public (HistoryWindow Window, LiveMessage[] Messages) TranscriptPage(ObjectId conversationId, int? before, int? after, int limit)
    {
        if (!_rooms.TryGetValue(conversationId, out var room)) return (HistoryWindow.Of(0, before, after, limit), []);
        lock (room)
        {
            var window = HistoryWindow.Of(room.Messages.Count, before, after, limit);
            return (window, window.Count == 0 ? [] : [.. room.Messages.GetRange(window.FirstSeq - 1, window.Count)]);
        }
    }

    /// <summary>Every open socket, joined or not, so shutdown can say goodbye to each.</summary>
    public void Register(SocketConnection socket)
    {
        _connections.TryAdd(socket, 0);
        if (_shuttingDown) socket.Close(WebSocketCloseStatus.EndpointUnavailable, "Server restarting");
    }

    public void Unregister(SocketConnection socket) => _connections.TryRemove(socket, out _);

    public bool HasConnections => !_connections.IsEmpty;

    /// <summary>Stops accepting messages and closes every socket with 1001 (going away); clients reconnect after the restart.</summary>
    public void BeginShutdown()
    {
        _shuttingDown = true;
        foreach (var socket in _connections.Keys)
            socket.Close(WebSocketCloseStatus.EndpointUnavailable, "Server restarting");
    }

    /// <summary>
    /// Every live message added since the last checkpoint, each room read under its lock, and how many live messages
    /// earlier checkpoints hold (<c>Journaled</c>, what a compaction would keep). Transcripts only grow until they
    /// close, so a checkpoint only ever appends. Rooms being closed are left to the close, which persists their
    /// transcript itself.
    /// </summary>
    public (List<TranscriptWriter.TranscriptRun> Unsaved, long Journaled) UnsavedSinceCheckpoint()
    {
        var unsaved = new List<TranscriptWriter.TranscriptRun>();
        long journaled = 0;
        foreach (var (conversationId, room) in _rooms)
            lock (room)
            {
                journaled += room.Checkpointed;
                if (room.Closing is null && room.Messages.Count > room.Checkpointed)
                    unsaved.Add(new(conversationId, room.Checkpointed, [.. room.Messages.Skip(room.Checkpointed)]));
            }
        return (unsaved, journaled);
    }

    /// <summary>
    /// Every live transcript whole, for a compaction that replaces the journal with one copy of them. Rooms being
    /// closed are included: their close may still fail, and the compaction deletes the entries that held them.
    /// </summary>
    public List<TranscriptWriter.TranscriptRun> WholeTranscripts()
    {
        var transcripts = new List<TranscriptWriter.TranscriptRun>();
        foreach (var (conversationId, room) in _rooms)
            lock (room)
                if (room.Messages.Count > 0)
                    transcripts.Add(new(conversationId, 0, [.. room.Messages]));
        return transcripts;
    }

    /// <summary>Records that a checkpoint committed <paramref name="saved"/>.</summary>
    public void MarkCheckpointed(TranscriptWriter.TranscriptRun saved)
    {
        if (!_rooms.TryGetValue(saved.ConversationId, out var room)) return;   // closed meanwhile: its close saved it
        lock (room) room.Checkpointed = Math.Max(room.Checkpointed, saved.FirstSequence + saved.Messages.Count);
    }

    /// <summary>At start, before any socket connects: puts back a transcript saved before the last stop; it is saved already.</summary>
    public void Restore(ObjectId conversationId, IReadOnlyCollection<LiveMessage> transcript)
    {
        var room = _rooms.GetOrAdd(conversationId, _ => new Room());
        lock (room)
        {
            room.Messages.AddRange(transcript);
            room.Checkpointed = room.Messages.Count;
            // Idempotent sends hold across a restart: the ids travel with the messages in the journal.
            for (var i = 0; i < room.Messages.Count; i++)
                if (room.Messages[i].ClientMessageId is { } clientMessageId) (room.ClientMessageIds ??= []).TryAdd((room.Messages[i].SenderId, clientMessageId), i + 1);
        }
    }

    /// <summary>Rooms held in memory and sockets in them: what a leak would show.</summary>
    public (int Rooms, int Sockets) Census()
    {
        int rooms = 0, sockets = 0;
        foreach (var room in _rooms.Values)
            lock (room)
            {
                rooms++;
                sockets += room.Members.Count;
            }
        return (rooms, sockets);
    }

    LiveMessage NewMessage(ObjectId senderId, string senderRole, string content, IReadOnlyList<MessageAttachment>? attachments = null,
        string? clientMessageId = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new LiveMessage(senderId, senderRole, content, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)), attachments, clientMessageId);
    }

    void RetireIfEmpty(ObjectId conversationId, Room room)
    {
        if (!room.IsEmpty) return;
        room.Retired = true;
        _rooms.TryRemove(KeyValuePair.Create(conversationId, room));
    }
}

/// <summary>What <see cref="RoomStore.Typing"/> decided.</summary>
enum TypingOutcome
{
    /// <summary>The sender's socket is not in the room: ERROR <c>You must join the conversation first</c>.</summary>
    NotInRoom,
    /// <summary>The sender's last TYPING here was relayed less than the interval ago: dropped silently.</summary>
    Dropped,
    /// <summary>Relay USER_TYPING to the room's other users.</summary>
    Relay,
}

/// <summary>What <see cref="RoomStore.AppendAsync"/> appended: the message, its seq, (opaque) the room it went into, and its participants if known.</summary>
sealed record AppendedMessage(ObjectId ConversationId, LiveMessage Message, int Seq, object Room, Participants? Participants);

/// <summary>A socket send the room accepted: the message and its seq; <c>Repeat</c> when its clientMessageId was sent before and
/// this is that first message; the conversation's participants if known.</summary>
readonly record struct AcceptedMessage(LiveMessage Message, int Seq, bool Repeat, Participants? Participants);

/// <summary>The seqs <c>(From, To]</c> of a room that a socket was sent while it was in it.</summary>
readonly record struct SentRange(int From, int To)
{
    public bool Contains(int seq) => seq > From && seq <= To;
}

/// <summary>A conversation's candidate and its assigned agent (null while none is).</summary>
sealed record Participants(ObjectId CandidateId, ObjectId? AgentId);

/// <summary>
/// The figures of a live transcript: <see cref="LastSeq"/> is also the message count (seqs have no gaps),
/// <see cref="Last"/> the last message (null without any), and the messages of each side the other has not marked read.
/// </summary>
readonly record struct LiveSummary(int LastSeq, LiveMessage? Last, int UnreadByCandidate, int UnreadByAgent)
{
    /// <summary>Messages with seq above a side's marker and from the other side are unread by that side.</summary>
    public static LiveSummary Of(IReadOnlyList<LiveMessage> transcript, int candidateReadSeq, int agentReadSeq)
    {
        int unreadByCandidate = 0, unreadByAgent = 0;
        // Only the unread tail is walked: index i holds seq i + 1.
        for (var i = Math.Max(0, Math.Min(candidateReadSeq, agentReadSeq)); i < transcript.Count; i++)
        {
            if (transcript[i].IsLost) continue;
            var fromCandidate = transcript[i].SenderRole == Roles.Candidate;
            if (!fromCandidate && i >= candidateReadSeq) unreadByCandidate++;
            if (fromCandidate && i >= agentReadSeq) unreadByAgent++;
        }
        return new(transcript.Count, transcript.Count == 0 ? null : transcript[^1], unreadByCandidate, unreadByAgent);
    }
}
