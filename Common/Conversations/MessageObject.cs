using System.Text.Json.Serialization;
using SupportChat.Common.Data;
using SupportChat.Realtime;

namespace SupportChat.Common.Conversations;

/// <summary>A message as every route returns it (GET /conversations/:id, GET /conversations/:id/messages).</summary>
/// <param name="SenderId">Who sent it.</param>
/// <param name="SenderRole">candidate or agent.</param>
/// <param name="Content">Exactly as sent: plain text, never HTML; may be empty when the message carries attachments.</param>
/// <param name="CreatedAt">When the server accepted it: ISO-8601 UTC with milliseconds.</param>
/// <param name="Seq">Its position in the conversation: 1, 2, 3, … in the order the server accepted it, no gaps, never reused (CONTRACT.md Part 2).</param>
/// <param name="Attachments">Only on a message with attachments (CONTRACT.md "Attachments"); absent otherwise, so Part 1 clients see Part 1's shape.</param>
sealed record MessageObject(ObjectId SenderId, string SenderRole, string Content, DateTime CreatedAt, int Seq,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MessageAttachment>? Attachments = null)
{
    /// <summary>A live message at <paramref name="seq"/>.</summary>
    public static MessageObject Of(LiveMessage message, int seq) =>
        new(message.SenderId, message.SenderRole, message.Content, message.CreatedAt, seq, message.Attachments);
}
