using System.Text.Json;
using FluentValidation;
using SupportChat.Common;

namespace SupportChat.Realtime;

/// <summary>The frame format of both directions: <c>{"event": "...", "data": {...}}</c>.</summary>
static class Frames
{
    sealed record Frame<T>(string Event, T Data);
    sealed record ErrorData(string Message);

    public static byte[] Serialize<T>(string eventName, T data) => JsonSerializer.SerializeToUtf8Bytes(new Frame<T>(eventName, data), Json.Options);

    public static byte[] Error(string message) => Serialize(EventNames.Error, new ErrorData(message));

    /// <summary>Parses a text frame; false unless it is a JSON object with a string <c>event</c> and an object <c>data</c>.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> utf8, out JsonDocument? document, out string eventName, out JsonElement data)
    {
        eventName = "";
        data = default;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException)
        {
            document = null;
            return false;
        }
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("event", out var name) && name.ValueKind == JsonValueKind.String
            && root.TryGetProperty("data", out data) && data.ValueKind == JsonValueKind.Object)
        {
            eventName = name.GetString()!;
            return true;
        }
        return false;
    }

    /// <summary>Binds an event's data and checks its shape; false is the contract's "Invalid request schema".</summary>
    public static bool TryBind<T>(JsonElement data, IValidator<T> validator, out T value) where T : class
    {
        try
        {
            value = data.Deserialize<T>(Json.Options)!;
        }
        catch (JsonException)
        {
            value = null!;
            return false;
        }
        return value is not null && validator.Validate(value).IsValid;
    }
}

/// <summary>The data of JOIN, LEAVE and CLOSE: just the conversation. A string, so a malformed id is a schema error, not a crash.</summary>
sealed record ConversationEventData(string? ConversationId)
{
    public ObjectId Id => ObjectId.Parse(ConversationId!);
}

sealed class ConversationEventDataValidator : AbstractValidator<ConversationEventData>
{
    public static readonly ConversationEventDataValidator Instance = new();

    public ConversationEventDataValidator() => RuleFor(d => d.ConversationId).Must(id => ObjectId.TryParse(id, out _));
}
