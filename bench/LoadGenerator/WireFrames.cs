using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace LoadGenerator;

enum FrameKind { Message, Joined, Closed, Error, Other, Invalid }

/// <summary>
/// The frames the generator sends and reads. A chat message's content is <c>sender.sequence.sentTimestamp.</c> plus
/// padding, so the receiving side can compute end-to-end latency (one process, one Stopwatch) and check order.
/// </summary>
static class WireFrames
{
    public static byte[] Join(string conversationId) => ConversationEvent("JOIN_CONVERSATION", conversationId);

    public static byte[] Close(string conversationId) => ConversationEvent("CLOSE_CONVERSATION", conversationId);

    static byte[] ConversationEvent(string name, string conversationId) =>
        Encoding.UTF8.GetBytes("{\"event\":\"" + name + "\",\"data\":{\"conversationId\":\"" + conversationId + "\"}}");

    public static byte[] SendMessagePrefix(string conversationId) =>
        Encoding.UTF8.GetBytes("{\"event\":\"SEND_MESSAGE\",\"data\":{\"conversationId\":\"" + conversationId + "\",\"content\":\"");

    public static ReadOnlySpan<byte> SendMessageSuffix => "\"}}"u8;

    /// <summary>Writes the content's header; returns its length. Digits and dots only: JSON never escapes them.</summary>
    public static int WriteContentHeader(Span<byte> into, int sender, long sequence, long sentAt)
    {
        var written = 0;
        Utf8Formatter.TryFormat(sender, into, out var n);
        written += n;
        into[written++] = (byte)'.';
        Utf8Formatter.TryFormat(sequence, into[written..], out n);
        written += n;
        into[written++] = (byte)'.';
        Utf8Formatter.TryFormat(sentAt, into[written..], out n);
        written += n;
        into[written++] = (byte)'.';
        return written;
    }

    public static bool TryReadContentHeader(ReadOnlySpan<byte> content, out int sender, out long sequence, out long sentAt)
    {
        sequence = sentAt = 0;
        if (!Utf8Parser.TryParse(content, out sender, out var n) || n >= content.Length || content[n] != '.') return false;
        content = content[(n + 1)..];
        if (!Utf8Parser.TryParse(content, out sequence, out n) || n >= content.Length || content[n] != '.') return false;
        content = content[(n + 1)..];
        return Utf8Parser.TryParse(content, out sentAt, out n) && n < content.Length && content[n] == '.';
    }

    /// <summary>
    /// Reads an incoming frame. SupportChat delivers a chat message as NEW_MESSAGE; the bare relay forwards the
    /// sender's SEND_MESSAGE unchanged. Both carry the same <c>data.content</c>, so both count as a delivered message.
    /// </summary>
    public static FrameKind Read(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> content, out string? errorMessage)
    {
        content = default;
        errorMessage = null;
        var kind = FrameKind.Invalid;
        try
        {
            var reader = new Utf8JsonReader(frame);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName) continue;
                if (reader.CurrentDepth == 1 && reader.ValueTextEquals("event"u8))
                {
                    reader.Read();
                    kind = reader.ValueTextEquals("NEW_MESSAGE"u8) || reader.ValueTextEquals("SEND_MESSAGE"u8) ? FrameKind.Message
                        : reader.ValueTextEquals("JOINED_CONVERSATION"u8) ? FrameKind.Joined
                        : reader.ValueTextEquals("CONVERSATION_CLOSED"u8) ? FrameKind.Closed
                        : reader.ValueTextEquals("ERROR"u8) ? FrameKind.Error
                        : FrameKind.Other;
                }
                else if (reader.CurrentDepth == 2 && reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    content = reader.ValueSpan;
                }
                else if (reader.CurrentDepth == 2 && reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    errorMessage = reader.GetString();
                }
            }
        }
        catch (JsonException)
        {
            return FrameKind.Invalid;
        }
        return kind;
    }
}
