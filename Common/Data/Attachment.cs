using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportChat.Common.Data;

/// <summary>
/// An uploaded file (CONTRACT.md "Attachments"). Its bytes live in the database, in <see cref="Content"/>, so every
/// instance serves every file; they are written and read as streams, never through EF Core's change tracking, and
/// every query that does not need them projects them away. Used by at most one message: <see cref="UsedAt"/> is set,
/// once, when a message claims it; unused uploads are deleted after a day.
/// </summary>
sealed class Attachment
{
    public required ObjectId Id { get; init; }
    public required ObjectId ConversationId { get; init; }
    public required ObjectId UploaderId { get; init; }
    /// <summary>Display text only (see <c>FileNames.Clean</c>): never a path, never trusted for the type.</summary>
    public required string FileName { get; init; }
    /// <summary>The MIME type decided from the file's first bytes.</summary>
    public required string FileType { get; init; }
    /// <summary>In bytes.</summary>
    public required long FileSize { get; init; }
    public required DateTime CreatedAt { get; init; }
    /// <summary>When a message claimed it; null while unused.</summary>
    public DateTime? UsedAt { get; init; }
    /// <summary>The file's bytes (BLOB on SQLite, bytea on PostgreSQL).</summary>
    public byte[] Content { get; init; } = [];

    public const int MaxFileNameLength = 200;
}

/// <summary>
/// An attachment as a message carries it, in every message object and frame: <c>{_id, fileName, fileType, fileSize, isImage}</c>
/// (<c>fileSize</c> in bytes). Also what the Messages table keeps for a message, as JSON in its
/// <c>Attachments</c> column (and the live-transcript journal in its payload): the same fields the wire shows, fixed once sent.
/// </summary>
/// <param name="Id">The attachment's id, served at <c>GET /attachments/:id</c>.</param>
/// <param name="FileName">The cleaned display name.</param>
/// <param name="FileType">The MIME type decided from the bytes.</param>
/// <param name="FileSize">Size in bytes.</param>
/// <param name="IsImage">PNG, JPEG, GIF or WebP.</param>
sealed record MessageAttachment(
    [property: JsonPropertyName("_id")] ObjectId Id,
    string FileName,
    string FileType,
    long FileSize,
    bool IsImage)
{
    /// <summary>The column value for a message's attachments: null for a message without any.</summary>
    public static string? ToColumn(IReadOnlyList<MessageAttachment>? attachments) =>
        attachments is { Count: > 0 } ? JsonSerializer.Serialize(attachments, Json.Options) : null;

    /// <summary>The attachments stored by <see cref="ToColumn"/>; null for none.</summary>
    public static IReadOnlyList<MessageAttachment>? FromColumn(string? column) =>
        string.IsNullOrEmpty(column) ? null : JsonSerializer.Deserialize<MessageAttachment[]>(column, Json.Options);

    /// <summary>Whether a stored <paramref name="fileType"/> is one served inline as an image.</summary>
    public static bool IsImageType(string fileType) => fileType.StartsWith("image/", StringComparison.Ordinal);
}
