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
sealed record SendMessageData(string? ConversationId, string? Content = null, string?[]? AttachmentIds = null);

/// <summary>Contract: content is 1–5000 Unicode code points after trimming, without C0 control characters other than tab,
/// line feed and carriage return, then stored and delivered as sent. A message with attachments (1–5 distinct ids) may
/// have empty or no content; what content it has follows the same rules.</summary>
sealed class SendMessageValidator : AbstractValidator<SendMessageData>
{
    public const int MaxContentLength = 5000;
    public const int MaxAttachments = 5;
    public static readonly SendMessageValidator Instance = new();

    public SendMessageValidator()
    {
        RuleFor(d => d.ConversationId).Must(id => ObjectId.TryParse(id, out _));
        When(d => d.AttachmentIds is null, () =>
            RuleFor(d => d.Content).CodePointLength(1, MaxContentLength, trimmed: true).Must(TextRules.HasNoControlCharacters));
        When(d => d.AttachmentIds is not null, () =>
        {
            RuleFor(d => d.AttachmentIds).Must(AreDistinctIds);
            RuleFor(d => d.Content).Must(content => content is null
                || (TextRules.CodePoints(content.AsSpan().Trim()) <= MaxContentLength && TextRules.HasNoControlCharacters(content)));
        });
    }

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
        if (request.AttachmentIds is null)
        {
            if (!await rooms.SendAsync(conversationId, socket, request.Content!)) socket.SendError(ErrorMessages.JoinFirst);
            return;
        }
        await SendWithAttachmentsAsync(socket, rooms, conversationId, request, services, ct);
    }

    /// <summary>
    /// The ids are part of the data's schema (an unusable one is <c>Invalid request schema</c>, checked before the room),
    /// so they are claimed first; a sender who turns out not to be in the room gets them back.
    /// </summary>
    static async Task SendWithAttachmentsAsync(SocketConnection socket, RoomStore rooms, ObjectId conversationId, SendMessageData request,
        IServiceProvider services, CancellationToken ct)
    {
        await using var db = services.GetRequiredService<IDbContextFactory<SupportChatDb>>().CreateDbContext();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        ObjectId[] ids = [.. request.AttachmentIds!.Select(id => ObjectId.Parse(id!))];
        var attachments = await services.GetRequiredService<DatabaseGate>().RunAsync(
            () => AttachmentClaims.TryClaimAsync(db, ids, socket.UserId, conversationId, now, ct), ct);
        if (attachments is null)
        {
            socket.SendError(ErrorMessages.InvalidSchema);
            return;
        }
        if (rooms.IsMember(conversationId, socket) && await rooms.SendAsync(conversationId, socket, request.Content ?? "", attachments)) return;
        await AttachmentClaims.ReleaseAsync(db, attachments);
        socket.SendError(ErrorMessages.JoinFirst);
    }
}
