using SupportChat.Common;

namespace SupportChat.Realtime;

/// <summary>A chat message of a conversation that is not closed yet; kept in memory until the conversation closes.</summary>
sealed record LiveMessage(ObjectId SenderId, string SenderRole, string Content, DateTime CreatedAt);
