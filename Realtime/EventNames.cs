namespace SupportChat.Realtime;

/// <summary>Wire event names, exact and case-sensitive. Every one is in the AsyncAPI document (a test checks).</summary>
static class EventNames
{
    // Client → server (Part 1)
    public const string JoinConversation = "JOIN_CONVERSATION";
    public const string SendMessage = "SEND_MESSAGE";
    public const string LeaveConversation = "LEAVE_CONVERSATION";
    public const string CloseConversation = "CLOSE_CONVERSATION";
    // Client → server (Part 2, opt-in)
    public const string Subscribe = "SUBSCRIBE";
    public const string Typing = "TYPING";

    // Server → client (Part 1)
    public const string JoinedConversation = "JOINED_CONVERSATION";
    public const string NewMessage = "NEW_MESSAGE";
    public const string LeftConversation = "LEFT_CONVERSATION";
    public const string ConversationClosed = "CONVERSATION_CLOSED";
    public const string Error = "ERROR";
    // Server → client (Part 2, only to sockets that opted in)
    public const string Subscribed = "SUBSCRIBED";
    public const string ConversationCreated = "CONVERSATION_CREATED";
    public const string ConversationAssigned = "CONVERSATION_ASSIGNED";
    public const string ConversationUnassigned = "CONVERSATION_UNASSIGNED";
    public const string ConversationUpdated = "CONVERSATION_UPDATED";
    public const string UserTyping = "USER_TYPING";
    public const string MessageNotification = "MESSAGE_NOTIFICATION";
    // Server → client (Part 2, only to the socket that asked)
    public const string MessageAccepted = "MESSAGE_ACCEPTED";
}
