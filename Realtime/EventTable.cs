using System.Collections.Frozen;
using SupportChat.Common.Auth;
using SupportChat.Common.Conversations;
using SupportChat.Common.Http;
using SupportChat.Realtime.Events;

namespace SupportChat.Realtime;

/// <summary>Handles one event's <paramref name="data"/> (the UTF-8 JSON of the frame's data object); handlers that need
/// the database take a pooled context from the <c>IDbContextFactory</c> in <paramref name="services"/>, no scope per event.</summary>
delegate Task SocketEventHandler(SocketConnection socket, ReadOnlyMemory<byte> data, IServiceProvider services, CancellationToken ct);

/// <summary>A client event: who may send it, what handles it, and what the AsyncAPI document says about it.</summary>
sealed record EventRoute(string[] AllowedRoles, SocketEventHandler Handle, EventDoc Doc);

/// <summary>What <see cref="AsyncApiDocument"/> shows for one event.</summary>
/// <param name="Data">The type of the frame's <c>data</c>: its JSON schema is generated from it.</param>
/// <param name="Summary">What it does and who gets what, in a sentence or two.</param>
/// <param name="Replies">Client events only: the server events its sender may get back, ERROR aside.</param>
/// <param name="Errors">Client events only: the ERROR messages of its own rules (format, name, role and internal errors are added for every event).</param>
/// <param name="OptIn">Part 2: an event a Part 1 client never sends (client) or never receives (server).</param>
/// <param name="OptInBy">Server opt-in events only: what a socket does to get it; null for SUBSCRIBE.</param>
sealed record EventDoc(Type Data, string Summary, string[] Replies, string[] Errors, bool OptIn = false, string? OptInBy = null)
{
    /// <summary>A server event: no replies, no errors of its own.</summary>
    public static EventDoc Sent(Type data, string summary, bool optIn = false, string? optInBy = null) => new(data, summary, [], [], optIn, optInBy);
}

/// <summary>
/// Wire name → who may send it → what handles it, and every frame the server sends. A new event is one file in Events/
/// and one row here; <see cref="AsyncApiDocument"/> is generated from these tables, so no event goes undocumented.
/// </summary>
static class EventTable
{
    static readonly string[] JoinedOnly = [ErrorMessages.InvalidSchema, ErrorMessages.JoinFirst];

    public static readonly FrozenDictionary<string, EventRoute> Routes = new Dictionary<string, EventRoute>
    {
        [EventNames.JoinConversation] = new(Access.RolesThatMay(Permission.Reply), JoinConversationEvent.HandleAsync, new(typeof(JoinConversationData),
            "Enter the room of one's own conversation (the candidate's, or the one assigned to the agent); an agent's first join moves it "
            + "from open to assigned. Joining twice is harmless. With sinceSeq (Part 2, resume), JOINED_CONVERSATION is followed by every "
            + "message with a higher seq not yet sent on this connection, as NEW_MESSAGE with replayed: true, oldest first, then live messages.",
            [EventNames.JoinedConversation, EventNames.NewMessage], [ErrorMessages.InvalidSchema, ErrorMessages.NotAllowed, ErrorMessages.AlreadyClosed])),
        [EventNames.SendMessage] = new(Access.RolesThatMay(Permission.Reply), SendMessageEvent.HandleAsync, new(typeof(SendMessageData),
            "Send a message in a room one has joined: NEW_MESSAGE to every other socket in the room (the sender's other tabs included), nothing to the sender. "
            + "With clientMessageId (Part 2, idempotent sends) the sender gets MESSAGE_ACCEPTED, and a repeat of it by the same user in the same "
            + "conversation is neither stored nor delivered again, but answered MESSAGE_ACCEPTED with the first one's seq.",
            [EventNames.MessageAccepted], [ErrorMessages.InvalidSchema, ErrorMessages.TooManyMessages, ErrorMessages.JoinFirst])),
        [EventNames.LeaveConversation] = new(Access.RolesThatMay(Permission.Reply), LeaveConversationEvent.HandleAsync, new(typeof(ConversationEventData),
            "Step out of a room; the live transcript stays until the conversation closes.",
            [EventNames.LeftConversation], JoinedOnly)),
        [EventNames.CloseConversation] = new(Access.RolesThatMay(Permission.Resolve), CloseConversationEvent.HandleAsync, new(typeof(ConversationEventData),
            "The assigned agent (joined or not) closes an assigned conversation: the transcript is persisted, CONVERSATION_CLOSED goes to every "
            + "other socket in the room, nothing to the closing socket.",
            [], [ErrorMessages.InvalidSchema, ErrorMessages.NotAllowed, ErrorMessages.NotYetAssigned, ErrorMessages.AlreadyClosed])),
        [EventNames.Subscribe] = new(Access.RolesThatMay(Permission.Subscribe), SubscribeEvent.HandleAsync, new(typeof(SubscribeData),
            "Opt in to notifications: from now on this socket also gets CONVERSATION_CREATED, CONVERSATION_ASSIGNED, CONVERSATION_UNASSIGNED, "
            + "CONVERSATION_UPDATED and MESSAGE_NOTIFICATION about the conversations its user may see, without joining anything, and USER_TYPING in its rooms. "
            + "Answered SUBSCRIBED, also when repeated.",
            [EventNames.Subscribed], [], OptIn: true)),
        [EventNames.Typing] = new(Access.RolesThatMay(Permission.Reply), TypingEvent.HandleAsync, new(typeof(ConversationEventData),
            "Tell the room one is typing: USER_TYPING to the subscribed sockets in the room of the other users; at most one per sending user "
            + "and conversation every 2 seconds is relayed, the rest are dropped without an answer. Nothing goes back to the sender.",
            [], JoinedOnly, OptIn: true)),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every frame the server sends, by name.</summary>
    public static readonly FrozenDictionary<string, EventDoc> ServerEvents = new Dictionary<string, EventDoc>
    {
        [EventNames.JoinedConversation] = EventDoc.Sent(typeof(JoinConversationEvent.JoinedData),
            "To the joining socket: the conversation's status after the join and lastSeq, the seq of its last message (0 without any)."),
        [EventNames.NewMessage] = EventDoc.Sent(typeof(NewMessageData),
            "A message with its seq: a SEND_MESSAGE to every socket in the room but the sender's; a message sent over HTTP "
            + "(POST /conversations/:id/messages) to every socket in the room, the sender's own included."),
        [EventNames.LeftConversation] = EventDoc.Sent(typeof(LeaveConversationEvent.LeftData),
            "To the leaving socket."),
        [EventNames.ConversationClosed] = EventDoc.Sent(typeof(ConversationRef),
            "The conversation was closed (by its agent, or over HTTP): to every socket in its room but the closing one; the room is gone."),
        [EventNames.Error] = EventDoc.Sent(typeof(ErrorData),
            "A frame was refused; the socket stays open. Also sent before closing a socket whose token is missing or invalid (then close code 1008)."),
        [EventNames.Subscribed] = EventDoc.Sent(typeof(SubscribedData),
            "The answer to SUBSCRIBE.", optIn: true),
        [EventNames.ConversationCreated] = EventDoc.Sent(typeof(ConversationObject),
            "A candidate opened a conversation: to the subscribed sockets of the supervisor it is addressed to and of every admin.", optIn: true),
        [EventNames.ConversationAssigned] = EventDoc.Sent(typeof(ConversationObject),
            "To the subscribed sockets of the agent a conversation was just assigned to.", optIn: true),
        [EventNames.ConversationUnassigned] = EventDoc.Sent(typeof(ConversationRef),
            "To the subscribed sockets of the agent a conversation was taken from by a reassignment; that agent gets nothing else about it.", optIn: true),
        [EventNames.ConversationUpdated] = EventDoc.Sent(typeof(ConversationObject),
            "After a status change (an agent's first join, a close over HTTP or WebSocket), an agent change, or a priority or subject change "
            + "(PATCH /conversations/:id): to the subscribed sockets of "
            + "its candidate, assigned agent, supervisor and every admin, whoever made the change included.", optIn: true),
        [EventNames.UserTyping] = EventDoc.Sent(typeof(UserTypingData),
            "Someone else in the room is typing: to the subscribed sockets in the room of the other users.", optIn: true),
        [EventNames.MessageNotification] = EventDoc.Sent(typeof(MessageNotificationData),
            "A message of the other side (sent over WebSocket or HTTP): to the subscribed sockets of the conversation's candidate or assigned "
            + "agent that are not in its room. preview is the first 100 UTF-16 code units of the content.", optIn: true),
        [EventNames.MessageAccepted] = EventDoc.Sent(typeof(MessageAcceptedData),
            "To the sending socket of a SEND_MESSAGE that carried a clientMessageId: the message's seq and createdAt; for a repeat, the first "
            + "send's (nothing is stored or delivered again).", optIn: true, optInBy: "send SEND_MESSAGE with a clientMessageId"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Contract order: frame format, event name, role; each handler then checks its own data.</summary>
    public static async Task DispatchAsync(SocketConnection socket, ReadOnlyMemory<byte> frame, IServiceProvider services, CancellationToken ct)
    {
        if (!Frames.TryParse(frame, out var name, out var data)) socket.SendError(ErrorMessages.InvalidFormat);
        else if (!Routes.TryGetValue(name, out var route)) socket.SendError(ErrorMessages.UnknownEvent);
        else if (!route.AllowedRoles.Contains(socket.Role)) socket.SendError(ErrorMessages.ForbiddenRole);
        else await route.Handle(socket, data, services, ct);
    }
}
