using FluentValidation;
using SupportChat.Common;
using SupportChat.Common.Http;

namespace SupportChat.Realtime.Events;

/// <summary>SEND_MESSAGE's data.</summary>
/// <param name="ConversationId">Required: the conversation's id, 24 hexadecimal characters.</param>
/// <param name="Content">Required: 1–5000 Unicode code points after trimming, no C0 control character but tab, line feed and carriage return; stored and delivered as sent.</param>
sealed record SendMessageData(string? ConversationId, string? Content);

/// <summary>Contract: content is 1–5000 Unicode code points after trimming, without C0 control characters other than tab,
/// line feed and carriage return, then stored and delivered as sent.</summary>
sealed class SendMessageValidator : AbstractValidator<SendMessageData>
{
    public const int MaxContentLength = 5000;
    public static readonly SendMessageValidator Instance = new();

    public SendMessageValidator()
    {
        RuleFor(d => d.ConversationId).Must(id => ObjectId.TryParse(id, out _));
        RuleFor(d => d.Content).CodePointLength(1, MaxContentLength, trimmed: true).Must(TextRules.HasNoControlCharacters);
    }
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
        if (!await rooms.SendAsync(ObjectId.Parse(request.ConversationId!), socket, request.Content!))
            socket.SendError(ErrorMessages.JoinFirst);
    }
}
