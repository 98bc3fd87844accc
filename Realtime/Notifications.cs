using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Conversations;
using SupportChat.Common.Data;
using SupportChat.Realtime.Scaleout;

namespace SupportChat.Realtime;

/// <summary>
/// The opt-in live notifications (CONTRACT.md Part 2 "WebSocket additions"): which sockets sent SUBSCRIBE, by user, and
/// the one fan-out that HTTP routes and socket events call once their change has committed. A socket that never
/// subscribed gets none of these frames, so a Part 1 client sees only Part 1's.
/// Each notification is read (the conversation object as it is now, through the shared
/// <see cref="ConversationObjects.GetConversationObjectAsync"/>), serialized once and queued on every receiving socket
/// at most once; queuing never waits, so a slow receiver holds up nobody.
/// With the Redis engine (issue 15) every change is also published, and each other instance notifies its own subscribed
/// sockets (<see cref="ApplyFromElsewhereAsync"/>).
/// </summary>
sealed partial class Notifications(IDbContextFactory<SupportChatDb> contexts, DatabaseGate gate, RoomStore rooms, ILogger<Notifications> logger,
    RedisTranscriptLog? log = null)
{
    // Notifications of one conversation are read and queued one at a time: each read happens after its change
    // committed, so in this order every socket's last frame about a conversation shows its latest state.
    const int Stripes = 32;
    readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];

    readonly Lock _lock = new();
    readonly Dictionary<ObjectId, List<SocketConnection>> _byUser = [];
    /// <summary>Subscribed admin sockets: "every admin" is every admin who is listening, no query needed.</summary>
    readonly HashSet<SocketConnection> _admins = [];
    int _subscribed;

    /// <summary>SUBSCRIBE: from now on this socket gets the notifications of its user. Subscribing again changes nothing.</summary>
    public void Subscribe(SocketConnection socket)
    {
        lock (_lock)
        {
            if (!_byUser.TryGetValue(socket.UserId, out var sockets)) _byUser[socket.UserId] = sockets = [];
            if (sockets.Contains(socket)) return;
            sockets.Add(socket);
            if (socket.Role == Roles.Admin) _admins.Add(socket);
            _subscribed++;
        }
    }

    /// <summary>On disconnect; harmless for a socket that never subscribed.</summary>
    public void Unsubscribe(SocketConnection socket)
    {
        lock (_lock)
        {
            if (!_byUser.TryGetValue(socket.UserId, out var sockets) || !sockets.Remove(socket)) return;
            if (sockets.Count == 0) _byUser.Remove(socket.UserId);
            _admins.Remove(socket);
            _subscribed--;
        }
    }

    /// <summary>Whether the socket sent SUBSCRIBE: USER_TYPING, like the notifications, goes only to those that did.</summary>
    public bool IsSubscribed(SocketConnection socket)
    {
        lock (_lock) return _byUser.TryGetValue(socket.UserId, out var sockets) && sockets.Contains(socket);
    }

    /// <summary>How many subscribed sockets <paramref name="userId"/> has: what a leak would show.</summary>
    public int SubscribedSocketsOf(ObjectId userId)
    {
        lock (_lock) return _byUser.TryGetValue(userId, out var sockets) ? sockets.Count : 0;
    }

    /// <summary>A candidate opened a conversation: CONVERSATION_CREATED to its supervisor and every admin.</summary>
    public Task ConversationCreatedAsync(ObjectId conversationId) => EverywhereAsync(CreatedHereAsync(conversationId), $"created|{conversationId}");

    Task CreatedHereAsync(ObjectId conversationId) => NotifyAsync(conversationId, (conversation, send) =>
        send(EventNames.ConversationCreated, conversation, [conversation.SupervisorId], admins: true));

    /// <summary>
    /// <paramref name="agentId"/> was just given the conversation, taking it from <paramref name="previousAgentId"/> (null on
    /// the first assignment): CONVERSATION_ASSIGNED to the new agent, CONVERSATION_UNASSIGNED to the previous one and
    /// CONVERSATION_UPDATED to everyone who may see it now (so not to the previous agent). When a later assignment has
    /// already replaced <paramref name="agentId"/>, that one's notifications tell the agents instead.
    /// </summary>
    public Task ConversationAssignedAsync(ObjectId conversationId, ObjectId agentId, ObjectId? previousAgentId) =>
        EverywhereAsync(AssignedHereAsync(conversationId, agentId, previousAgentId), $"assigned|{conversationId}|{agentId}|{previousAgentId}");

    Task AssignedHereAsync(ObjectId conversationId, ObjectId agentId, ObjectId? previousAgentId) =>
        NotifyAsync(conversationId, (conversation, send) =>
        {
            if (conversation.AgentId == agentId) send(EventNames.ConversationAssigned, conversation, [agentId], admins: false);
            if (previousAgentId is { } previous && previous != conversation.AgentId)
                send(EventNames.ConversationUnassigned, new ConversationRef(conversationId), [previous], admins: false);
            SendUpdated(conversation, send);
        });

    /// <summary>The status changed (an agent's first join, a close over HTTP or WebSocket): CONVERSATION_UPDATED to its
    /// candidate, assigned agent, supervisor and every admin, whoever made the change included.</summary>
    public Task ConversationUpdatedAsync(ObjectId conversationId) => EverywhereAsync(NotifyAsync(conversationId, SendUpdated), $"updated|{conversationId}");

    /// <summary>
    /// Redis engine: notifies this instance's sockets of what this instance did (<paramref name="here"/>), then publishes
    /// <paramref name="body"/> for every other instance. Never throws: a change that committed must not fail because Redis
    /// is away; the notification is published elsewhere once Redis is back.
    /// </summary>
    async Task EverywhereAsync(Task here, string body)
    {
        await here;
        if (log is null) return;
        try
        {
            await log.PublishAsync('N', body);
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            LogNotPublished(logger, e);
            _ = rooms.RetryUntilDoneAsync(() => log.PublishAsync('N', body));   // the other instances hear of it once Redis is back
        }
    }

    /// <summary>
    /// Redis engine: a notification another instance published (<c>created|c</c>, <c>assigned|c|agent|previous</c>,
    /// <c>updated|c</c>), for this instance's subscribed sockets. Unknown shapes are ignored.
    /// </summary>
    public Task ApplyFromElsewhereAsync(string[] fields)
    {
        if (fields.Length < 2 || !ObjectId.TryParse(fields[1], out var conversationId)) return Task.CompletedTask;
        return fields[0] switch
        {
            "created" => CreatedHereAsync(conversationId),
            "updated" => NotifyAsync(conversationId, SendUpdated),
            "assigned" when fields.Length >= 4 && ObjectId.TryParse(fields[2], out var agentId) =>
                AssignedHereAsync(conversationId, agentId, ObjectId.TryParse(fields[3], out var previous) ? previous : null),
            _ => Task.CompletedTask,
        };
    }

    static void SendUpdated(ConversationObject conversation, Send send) =>
        send(EventNames.ConversationUpdated, conversation,
            conversation.AgentId is { } agentId ? [conversation.CandidateId, agentId, conversation.SupervisorId] : [conversation.CandidateId, conversation.SupervisorId],
            admins: true);

    delegate void Send(string eventName, object data, ObjectId[] users, bool admins);

    /// <summary>
    /// A message was accepted (socket or HTTP send): MESSAGE_NOTIFICATION to the subscribed sockets, not in the room, of the
    /// other side's participant — the assigned agent for a candidate's message, the candidate for an agent's. Synchronous
    /// and without a database read: the participants come from the room (<paramref name="participants"/>; null when
    /// no join or HTTP send has read them yet, then nobody is notified). Costs one read of a counter when nobody subscribed.
    /// </summary>
    public void MessageSent(ObjectId conversationId, LiveMessage message, int seq, Participants? participants)
    {
        if (Volatile.Read(ref _subscribed) == 0 || participants is null) return;
        var receiver = message.SenderRole == Roles.Candidate ? participants.AgentId : participants.CandidateId;
        if (receiver is { } userId) MessageSentTo(conversationId, message, seq, userId);
    }

    /// <summary><see cref="MessageSent"/> once the receiving user is known: their subscribed sockets here that are not in the room.</summary>
    public void MessageSentTo(ObjectId conversationId, LiveMessage message, int seq, ObjectId userId)
    {
        if (Volatile.Read(ref _subscribed) == 0) return;
        SocketConnection[] receivers;
        lock (_lock)
        {
            if (!_byUser.TryGetValue(userId, out var sockets)) return;
            receivers = [.. sockets];
        }
        byte[]? frame = null;   // built once, and only if a socket outside the room is there to get it
        foreach (var socket in receivers)
        {
            bool inRoom;
            lock (socket.Rooms) inRoom = socket.Rooms.ContainsKey(conversationId);
            if (inRoom) continue;
            frame ??= Frames.Serialize(EventNames.MessageNotification, new MessageNotificationData(conversationId, seq, message.SenderId,
                message.SenderRole, ConversationObject.Preview(message.Content), message.CreatedAt));
            socket.Enqueue(frame);
        }
    }

    /// <summary>
    /// Reads the conversation as it is now and lets <paramref name="compose"/> send its frames. Never throws: the change
    /// has committed already, and a failed read must not turn it into an error; the notification is lost and logged.
    /// </summary>
    async Task NotifyAsync(ObjectId conversationId, Action<ConversationObject, Send> compose)
    {
        if (Volatile.Read(ref _subscribed) == 0) return;   // nobody listens: not even the read is paid for
        var stripe = _stripes[(uint)conversationId.GetHashCode() % Stripes];
        await stripe.WaitAsync(CancellationToken.None);
        try
        {
            // Not cancellable: whoever made the change may hang up, the others still learn of it.
            var conversation = await gate.RunAsync(async () =>
            {
                await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
                return await db.GetConversationObjectAsync(conversationId, rooms, CancellationToken.None);   // live figures included
            }, CancellationToken.None);
            if (conversation is not null) compose(conversation, Deliver);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
        {
            LogLost(logger, e, conversationId);
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>One frame, serialized once, queued on each subscribed socket of <paramref name="users"/> (and of every
    /// admin) exactly once, however many of those roles one socket's user holds.</summary>
    void Deliver(string eventName, object data, ObjectId[] users, bool admins)
    {
        var receivers = new HashSet<SocketConnection>();
        lock (_lock)
        {
            foreach (var user in users)
                if (_byUser.TryGetValue(user, out var sockets)) receivers.UnionWith(sockets);
            if (admins) receivers.UnionWith(_admins);
        }
        if (receivers.Count == 0) return;
        var frame = Frames.Serialize(eventName, data);
        foreach (var socket in receivers) socket.Enqueue(frame);
    }

    [LoggerMessage(LogLevel.Warning, "A notification could not be published to the other instances yet: Redis is unreachable")]
    static partial void LogNotPublished(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Error, "A notification about conversation {ConversationId} was lost: reading the conversation failed")]
    static partial void LogLost(ILogger logger, Exception exception, ObjectId conversationId);
}

/// <summary>MESSAGE_NOTIFICATION's data (CONTRACT.md Part 2 "WebSocket additions").</summary>
/// <param name="ConversationId">The conversation the message was sent in.</param>
/// <param name="Seq">The message's seq.</param>
/// <param name="SenderId">Who sent it.</param>
/// <param name="SenderRole">candidate or agent.</param>
/// <param name="Preview">The first 100 UTF-16 code units of its content, as <c>lastMessagePreview</c> (empty for a message with attachments only).</param>
/// <param name="CreatedAt">When the server accepted it: ISO-8601 UTC with milliseconds.</param>
sealed record MessageNotificationData(ObjectId ConversationId, int Seq, ObjectId SenderId, string SenderRole, string Preview, DateTime CreatedAt);
