namespace SupportChat.Common.Data;

/// <summary>
/// A checkpointed message of a conversation that is still active. Live transcripts are kept in
/// memory; checkpoints append them here so they survive a restart, and closing the conversation deletes them.
/// </summary>
sealed class LiveMessageRow
{
    public required ObjectId ConversationId { get; init; }
    public required int Sequence { get; init; }
    public required ObjectId SenderId { get; init; }
    public required string SenderRole { get; init; }
    public required string Content { get; init; }
    public required DateTime CreatedAt { get; init; }
}
