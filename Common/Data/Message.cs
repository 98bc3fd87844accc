namespace SupportChat.Common.Data;

/// <summary>A persisted chat message; written in bulk when its conversation closes.</summary>
sealed class Message
{
    public required ObjectId ConversationId { get; init; }
    /// <summary>Position in the transcript: the order the room delivered it in.</summary>
    public required int Sequence { get; init; }
    public required ObjectId SenderId { get; init; }
    public required string SenderRole { get; init; }
    public required string Content { get; init; }
    public required DateTime CreatedAt { get; init; }
    /// <summary>The message's attachments as JSON (<see cref="MessageAttachment.ToColumn"/>); null without any.</summary>
    public string? Attachments { get; init; }
}
