namespace SupportChat.Common.Data;

static class ConversationStatus
{
    public const string Open = "open";
    public const string Assigned = "assigned";
    public const string Closed = "closed";
}

sealed class Conversation
{
    public ObjectId Id { get; init; } = ObjectId.NewId();
    public required ObjectId CandidateId { get; init; }
    public required ObjectId SupervisorId { get; init; }
    public ObjectId? AgentId { get; set; }
    public string Status { get; set; } = ConversationStatus.Open;
    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;
    public DateTime? ClosedAt { get; set; }
}
