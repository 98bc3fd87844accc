using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using SupportChat.Common;

namespace SupportChat.Realtime;

/// <summary>The frame format of both directions: <c>{"event": "...", "data": {...}}</c>.</summary>
static class Frames
{
    sealed record Frame<T>(string Event, T Data);

    public static byte[] Serialize<T>(string eventName, T data) => JsonSerializer.SerializeToUtf8Bytes(new Frame<T>(eventName, data), Json.Options);

    public static byte[] Error(string message) => Serialize(EventNames.Error, new ErrorData(message));

    [ThreadStatic] static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] static Utf8JsonWriter? t_writer;

    /// <summary>
    /// NEW_MESSAGE, the one frame written per chat message: straight to a writer reused per thread, without the
    /// serializer's object walk. Same dialect as <see cref="Json.Options"/>: its encoder, camelCase, timestamps.
    /// <paramref name="seq"/> is the message's position in the transcript, 1 for the first (CONTRACT.md Part 2);
    /// <paramref name="replayed"/> marks a message resent after JOIN_CONVERSATION's <c>sinceSeq</c>.
    /// </summary>
    public static byte[] NewMessage(ObjectId conversationId, LiveMessage message, int seq, bool replayed = false)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Json.Options.Encoder });
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString("event"u8, EventNames.NewMessage);
        writer.WriteStartObject("data"u8);
        writer.WriteString("conversationId"u8, conversationId.ToString());
        writer.WriteString("senderId"u8, message.SenderId.ToString());
        writer.WriteString("senderRole"u8, message.SenderRole);
        writer.WriteString("content"u8, message.Content);
        writer.WritePropertyName("createdAt"u8);
        Json.WriteUtcMilliseconds(writer, message.CreatedAt);
        writer.WriteNumber("seq"u8, seq);
        if (message.Attachments is { Count: > 0 } attachments)   // absent without any: Part 1 clients see Part 1's frame
        {
            writer.WriteStartArray("attachments"u8);
            foreach (var attachment in attachments)
            {
                writer.WriteStartObject();
                writer.WriteString("_id"u8, attachment.Id.ToString());
                writer.WriteString("fileName"u8, attachment.FileName);
                writer.WriteString("fileType"u8, attachment.FileType);
                writer.WriteNumber("fileSize"u8, attachment.FileSize);
                writer.WriteBoolean("isImage"u8, attachment.IsImage);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        if (replayed) writer.WriteBoolean("replayed"u8, true);   // absent on live messages: Part 1 clients see Part 1's frame
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        var frame = buffer.WrittenSpan.ToArray();
        // A 5,000-character message grows the buffer to tens of KiB; a thread should not keep that for good.
        if (buffer.Capacity > 16 * 1024) t_buffer = null;
        return frame;
    }

    /// <summary>
    /// Parses a text frame in one forward pass, without building a document: false unless it is a JSON object with a
    /// string <c>event</c> and an object <c>data</c>. <paramref name="data"/> is the data object's own UTF-8 JSON.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> utf8, out string eventName, out ReadOnlyMemory<byte> data)
    {
        eventName = "";
        data = default;
        string? name = null;
        var reader = new Utf8JsonReader(utf8.Span);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isEvent = reader.ValueTextEquals("event"u8);
                var isData = reader.ValueTextEquals("data"u8);
                reader.Read();
                if (isEvent)
                    name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                else if (isData && reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    data = utf8[start..(int)reader.BytesConsumed];
                }
                else
                {
                    if (isData) data = default;   // data that is not an object
                    reader.Skip();
                }
            }
            if (reader.Read()) return false;   // anything after the root object; malformed tails throw below
        }
        catch (JsonException)
        {
            return false;
        }
        eventName = name ?? "";
        return name is not null && !data.IsEmpty;
    }

    /// <summary>Binds an event's data and checks its shape; false is the contract's "Invalid request schema".</summary>
    public static bool TryBind<T>(ReadOnlyMemory<byte> data, IValidator<T> validator, out T value) where T : class
    {
        try
        {
            value = JsonSerializer.Deserialize<T>(data.Span, Json.Options)!;
        }
        catch (JsonException)
        {
            value = null!;
            return false;
        }
        return value is not null && validator.Validate(value).IsValid;
    }
}

/// <summary>ERROR's data: one of the contract's messages (<see cref="Common.Http.ErrorMessages"/>).</summary>
/// <param name="Message">The exact text, e.g. <c>You must join the conversation first</c>.</param>
sealed record ErrorData(string Message);

/// <summary>The data of CONVERSATION_CLOSED and CONVERSATION_UNASSIGNED: which conversation.</summary>
sealed record ConversationRef(ObjectId ConversationId);

/// <summary>
/// NEW_MESSAGE's data. <see cref="Frames.NewMessage"/> writes it by hand for speed; this record is its shape for the
/// AsyncAPI document, and a test holds the two together.
/// </summary>
/// <param name="ConversationId">The conversation it was sent in.</param>
/// <param name="SenderId">Who sent it.</param>
/// <param name="SenderRole">candidate or agent.</param>
/// <param name="Content">Exactly as sent.</param>
/// <param name="CreatedAt">When the server accepted it: ISO-8601 UTC with milliseconds.</param>
/// <param name="Seq">Its position in the conversation, 1, 2, 3, … in the order the server accepted it (CONTRACT.md Part 2).</param>
/// <param name="Attachments">Only on a message with attachments (CONTRACT.md "Attachments"); absent otherwise.</param>
/// <param name="Replayed">Only on a message resent after JOIN_CONVERSATION's <c>sinceSeq</c> (CONTRACT.md Part 2, resume): <c>true</c>; absent on live messages.</param>
sealed record NewMessageData(ObjectId ConversationId, ObjectId SenderId, string SenderRole, string Content, DateTime CreatedAt, int Seq,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<Common.Data.MessageAttachment>? Attachments = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Replayed = null);

/// <summary>JOIN_CONVERSATION's data.</summary>
/// <param name="ConversationId">Required: the conversation's id, 24 hexadecimal characters.</param>
/// <param name="SinceSeq">Optional (CONTRACT.md Part 2, resume): an integer ≥ 0; every message with a higher seq not yet sent on this
/// connection follows JOINED_CONVERSATION as a NEW_MESSAGE with <c>"replayed": true</c>. A wrong type or a negative number:
/// <c>Invalid request schema</c>; null counts as absent.</param>
sealed record JoinConversationData(string? ConversationId, [property: JsonNumberHandling(JsonNumberHandling.Strict)] long? SinceSeq = null)
{
    [JsonIgnore] public ObjectId Id => ObjectId.Parse(ConversationId!);
}

sealed class JoinConversationDataValidator : AbstractValidator<JoinConversationData>
{
    public static readonly JoinConversationDataValidator Instance = new();

    public JoinConversationDataValidator()
    {
        RuleFor(d => d.ConversationId).Must(id => ObjectId.TryParse(id, out _));
        RuleFor(d => d.SinceSeq).GreaterThanOrEqualTo(0);
    }
}

/// <summary>The data of JOIN, LEAVE, CLOSE and TYPING: just the conversation. A string, so a malformed id is a schema error, not a crash.</summary>
/// <param name="ConversationId">Required: the conversation's id, 24 hexadecimal characters.</param>
sealed record ConversationEventData(string? ConversationId)
{
    [JsonIgnore] public ObjectId Id => ObjectId.Parse(ConversationId!);
}

sealed class ConversationEventDataValidator : AbstractValidator<ConversationEventData>
{
    public static readonly ConversationEventDataValidator Instance = new();

    public ConversationEventDataValidator() => RuleFor(d => d.ConversationId).Must(id => ObjectId.TryParse(id, out _));
}
