namespace SupportChat.Common.Data;

sealed class User
{
    public ObjectId Id { get; init; } = ObjectId.NewId();
    public required string Name { get; init; }
    /// <summary>Stored lower-cased, so the unique index makes emails unique case-insensitively.</summary>
    public required string Email { get; init; }
    public string PasswordHash { get; set; } = "";
    public required string Role { get; init; }
    /// <summary>Set for agents only: the supervisor they work for.</summary>
    public ObjectId? SupervisorId { get; init; }
    public DateTime CreatedAt { get; init; } = DateTime.UtcNow;
}
