namespace SupportChat.Realtime;

/// <summary>Wire event names, exact and case-sensitive.</summary>
static class EventNames
{
    public const string JoinConversation = "JOIN_CONVERSATION";
    public const string SendMessage = "SEND_MESSAGE";
    public const string LeaveConversation = "LEAVE_CONVERSATION";
    public const string CloseConversation = "CLOSE_CONVERSATION";

    public const string JoinedConversation = "JOINED_CONVERSATION";
    public const string NewMessage = "NEW_MESSAGE";
    public const string LeftConversation = "LEFT_CONVERSATION";
    public const string ConversationClosed = "CONVERSATION_CLOSED";
    public const string Error = "ERROR";
}
