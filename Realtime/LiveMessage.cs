using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Realtime;

/// <summary>A chat message of a conversation that is not closed yet; kept in memory until the conversation closes.</summary>
/// <param name="SenderId">Who sent it.</param>
/// <param name="SenderRole"><c>candidate</c> or <c>agent</c>.</param>
/// <param name="Content">As sent; may be empty when the message carries attachments.</param>
/// <param name="CreatedAt">When the room accepted it, to the millisecond.</param>
/// <param name="Attachments">The files the message carries (CONTRACT.md "Attachments"); null for a message without any.</param>
/// <param name="ClientMessageId">The sender's id for it (SEND_MESSAGE's <c>clientMessageId</c>, 1–64 code points), so a repeat is
/// recognized for the conversation's whole life; null when the send carried none.</param>
sealed record LiveMessage(ObjectId SenderId, string SenderRole, string Content, DateTime CreatedAt,
    IReadOnlyList<MessageAttachment>? Attachments = null, string? ClientMessageId = null)
{
    /// <summary>
    /// Holds the place of a message that Redis lost before this instance read it (issue 15, Redis engine only): never
    /// delivered, counted or stored; the room is marked unrecovered so clients refetch over HTTP.
    /// </summary>
    public static readonly LiveMessage Lost = new(default, "", "", DateTime.MinValue);

    /// <summary>Whether this is <see cref="Lost"/>.</summary>
    public bool IsLost => ReferenceEquals(this, Lost);
}
