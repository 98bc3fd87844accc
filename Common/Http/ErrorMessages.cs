namespace SupportChat.Common.Http;

/// <summary>Every error text of CONTRACT.md, once; HTTP and WebSocket code both use these.</summary>
static class ErrorMessages
{
    public const string Unauthorized = "Unauthorized, token missing or invalid";
    public const string Forbidden = "Forbidden, insufficient permissions";
    public const string InvalidSchema = "Invalid request schema";
    public const string UnsupportedMediaType = "Content-Type must be application/json";
    public const string BodyTooLarge = "Request body too large";
    public const string NotFound = "Not found";
    public const string MethodNotAllowed = "Method not allowed";
    public const string Internal = "Internal server error";
    public const string TooManyRequests = "Too many requests";
    /// <summary>Not in CONTRACT.md: the Redis engine (issue 15) cannot reach Redis. HTTP 503, or a WebSocket ERROR; nothing was
    /// delivered, and a retry with the same clientMessageId is stored at most once.</summary>
    public const string Unavailable = "Service unavailable, try again";

    public const string EmailExists = "Email already exists";
    public const string InvalidSupervisor = "Invalid supervisor";
    public const string InvalidCredentials = "Invalid email or password";
    public const string SupervisorNotFound = "Supervisor not found";
    public const string ActiveConversationExists = "Candidate already has an active conversation";
    public const string ConversationNotFound = "Conversation not found";
    public const string CannotAssign = "cannot assign agent";
    public const string AgentNotFound = "Agent not found";
    public const string AgentNotYours = "Agent doesn't belong to you";
    public const string NotAllowed = "Not allowed to access this conversation";
    public const string ConversationNotOpen = "Conversation is not open";

    public const string InvalidToken = "Unauthorized or invalid token";
    public const string InvalidFormat = "Invalid message format";
    public const string UnknownEvent = "Unknown event";
    public const string ForbiddenRole = "Forbidden for this role";
    public const string JoinFirst = "You must join the conversation first";
    public const string AlreadyClosed = "Conversation already closed";
    public const string NotYetAssigned = "Conversation not yet assigned";
    public const string TooManyMessages = "Too many messages";

    public const string FileTypeNotAllowed = "File type not allowed";
    public const string FileTooLarge = "File too large";
    public const string LinkInvalid = "Link expired or invalid";
}
