using FluentValidation;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Realtime.Events;

/// <summary>SEND_MESSAGE's data.</summary>
/// <param name="ConversationId">Required: the conversation's id, 24 hexadecimal characters.</param>
/// <param name="Content">1–5000 Unicode code points after trimming, no C0 control character but tab, line feed and carriage return; stored and delivered as sent. May be empty or absent when the message carries attachments.</param>
/// <param name="AttachmentIds">Optional (CONTRACT.md "Attachments"): 1–5 distinct ids of the sender's unused uploads to this conversation.</param>
/// <param name="ClientMessageId">Optional (CONTRACT.md Part 2, idempotent sends): 1–64 Unicode code points chosen by the client. A repeat by
/// the same user in the same conversation is neither stored nor delivered again; the sender gets MESSAGE_ACCEPTED for both.</param>
sealed record SendMessageData(string? ConversationId, string? Content = null, string?[]? AttachmentIds = null, string? ClientMessageId = null);

/// <summary>Contract: content is 1–5000 Unicode code points after trimming, without C0 control characters other than tab,
/// line feed and carriage return, then stored and delivered as sent. A message with attachments (1–5 distinct ids) may
/// have empty or no content; what content it has follows the same rules.</summary>
sealed class SendMessageValidator : AbstractValidator<SendMessageData>
{
    public const int MaxContentLength = 5000;
    public const int MaxAttachments = 5;
    public const int MaxClientMessageIdLength = 64;
    public static readonly SendMessageValidator Instance = new();

    public SendMessageValidator()
    {
        RuleFor(d => d.ConversationId).Must(id => ObjectId.TryParse(id, out _));
        When(d => d.ClientMessageId is not null, () => RuleFor(d => d.ClientMessageId).CodePointLength(1, MaxClientMessageIdLength));
        RuleFor(d => d.Content).Must((d, content) => IsValidContent(content, withAttachments: d.AttachmentIds is not null));
        RuleFor(d => d.AttachmentIds).Must(AreDistinctIds).When(d => d.AttachmentIds is not null);
    }

    /// <summary>
    /// The content rule of every send (SEND_MESSAGE, the HTTP send): 1–5000 Unicode code points after trimming, no C0
    /// control character but tab, line feed and carriage return; with attachments it may also be empty or absent.
    /// </summary>
    internal static bool IsValidContent(string? content, bool withAttachments) => content is null
        ? withAttachments
        : TextRules.CodePoints(content.AsSpan().Trim()) is var n && n >= (withAttachments ? 0 : 1) && n <= MaxContentLength
            && TextRules.HasNoControlCharacters(content);

    /// <summary>1–5 ids (<see cref="MaxAttachments"/>), each 24 hex characters, none twice: the shape of <c>attachmentIds</c> (CONTRACT.md "Attachments").</summary>
    internal static bool AreDistinctIds(string?[]? ids) =>
        ids is { Length: >= 1 and <= MaxAttachments }
        && ids.All(id => ObjectId.TryParse(id, out _))
        && ids.Select(id => ObjectId.Parse(id!)).Distinct().Count() == ids.Length;   // one id twice would use it twice
}

/// <summary>SEND_MESSAGE, candidates and agents in the room: append to the live transcript and deliver to every other socket in the room.</summary>
static class SendMessageEvent
{
    public static async Task HandleAsync(SocketConnection socket, ReadOnlyMemory<byte> data, IServiceProvider services, CancellationToken ct)
    {
        if (!Frames.TryBind(data, SendMessageValidator.Instance, out var request))
        {
            socket.SendError(ErrorMessages.InvalidSchema);
            return;
        }
        if (!services.GetRequiredService<MessageBudget>().TrySpend(socket.UserId))
        {
            socket.SendError(ErrorMessages.TooManyMessages);   // neither stored nor delivered
            return;
        }
        var rooms = services.GetRequiredService<RoomStore>();
        var conversationId = ObjectId.Parse(request.ConversationId!);
        var accepted = request.AttachmentIds is null
            ? await rooms.SendAsync(conversationId, socket, request.Content!, clientMessageId: request.ClientMessageId)
            : await SendWithAttachmentsAsync(socket, rooms, conversationId, request, services, ct);
        if (accepted is not { } message)
        {
            if (request.AttachmentIds is null) socket.SendError(ErrorMessages.JoinFirst);   // the attachments' path answered already
            return;
        }
        if (request.ClientMessageId is { } clientMessageId)
            socket.Enqueue(Frames.Serialize(EventNames.MessageAccepted,
                new MessageAcceptedData(conversationId, clientMessageId, message.Seq, message.Message.CreatedAt)));
        if (!message.Repeat) services.GetRequiredService<Notifications>().MessageSent(conversationId, message.Message, message.Seq, message.Participants);
    }

    /// <summary>
    /// The ids are part of the data's schema (an unusable one is <c>Invalid request schema</c>, checked before the room),
    /// so they are claimed first; a sender who turns out not to be in the room gets them back. A repeated clientMessageId is
    /// answered before claiming: its first send used the uploads already. Null when refused, the ERROR already queued.
    /// </summary>
    static async Task<AcceptedMessage?> SendWithAttachmentsAsync(SocketConnection socket, RoomStore rooms, ObjectId conversationId, SendMessageData request,
        IServiceProvider services, CancellationToken ct)
    {
        if (request.ClientMessageId is { } clientMessageId && rooms.SentBefore(conversationId, socket, clientMessageId) is { } first) return first;
        await using var db = services.GetRequiredService<IDbContextFactory<SupportChatDb>>().CreateDbContext();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        ObjectId[] ids = [.. request.AttachmentIds!.Select(id => ObjectId.Parse(id!))];
        var attachments = await services.GetRequiredService<DatabaseGate>().RunAsync(
            () => AttachmentClaims.TryClaimAsync(db, ids, socket.UserId, conversationId, now, ct), ct);
        if (attachments is null)
        {
            socket.SendError(ErrorMessages.InvalidSchema);
            return null;
        }
        if (rooms.IsMember(conversationId, socket)
            && await rooms.SendAsync(conversationId, socket, request.Content ?? "", attachments, request.ClientMessageId) is { } accepted)
        {
            // A repeat that raced its first send past the check above claimed uploads it does not use.
            if (accepted.Repeat) await AttachmentClaims.ReleaseAsync(db, attachments);
            return accepted;
        }
        await AttachmentClaims.ReleaseAsync(db, attachments);
        socket.SendError(ErrorMessages.JoinFirst);
        return null;
    }
}

/// <summary>MESSAGE_ACCEPTED's data (CONTRACT.md Part 2, idempotent sends): to the sending socket of a SEND_MESSAGE that carried a clientMessageId.</summary>
/// <param name="ConversationId">The conversation it was sent in.</param>
/// <param name="ClientMessageId">As the client sent it.</param>
/// <param name="Seq">The message's seq; for a repeat, the first send's.</param>
/// <param name="CreatedAt">When the server accepted the (first) message: ISO-8601 UTC with milliseconds.</param>
sealed record MessageAcceptedData(ObjectId ConversationId, string ClientMessageId, int Seq, DateTime CreatedAt);
