namespace SupportChat.Common.Data;

/// <summary>
/// A message of a conversation that was still active when the service last stopped. Live transcripts are kept in
/// memory; these rows carry them across a restart and are replaced at every graceful shutdown.
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
