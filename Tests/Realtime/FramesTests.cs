using System.Text;
using System.Text.Json;
using SupportChat.Common;
using SupportChat.Realtime;

namespace SupportChat.Tests.Realtime;

/// <summary>NEW_MESSAGE is written by hand for speed; it must stay byte-for-byte what the serializer writes for the same frame.</summary>
public sealed class FramesTests
{
    [Theory]
    [InlineData("hello")]
    [InlineData("quotes \" and \\ backslash, <b>tags</b> & 'apostrophes'")]
    [InlineData("line\nbreak\ttab\r\u0001control\u007f")]
    [InlineData("héllo wörld, 日本語, emoji 👋🏽, RTL \u202e")]
    [InlineData("lone surrogate \ud800 stays escaped")]
    public void New_message_frames_match_the_serializer(string content)
    {
        var message = new LiveMessage(ObjectId.NewId(), "agent", content, new DateTime(2026, 11, 29, 10, 30, 0, 7, DateTimeKind.Utc));
        var conversationId = ObjectId.NewId();

        var written = Frames.NewMessage(conversationId, message, 42);

        var serialized = JsonSerializer.SerializeToUtf8Bytes(new
        {
            @event = "NEW_MESSAGE",
            data = new { conversationId, senderId = message.SenderId, senderRole = message.SenderRole, content, createdAt = message.CreatedAt, seq = 42 },
        }, Json.Options);
        Encoding.UTF8.GetString(written).ShouldBe(Encoding.UTF8.GetString(serialized));
        JsonDocument.Parse(written).RootElement.GetProperty("data").GetProperty("createdAt").GetString().ShouldBe("2026-11-29T10:30:00.007Z");
    }

    [Fact]
    public void A_long_message_does_not_change_the_next_frame()
    {
        var sender = ObjectId.NewId();
        var conversationId = ObjectId.NewId();
        var at = DateTime.UtcNow;

        Frames.NewMessage(conversationId, new LiveMessage(sender, "candidate", new string('x', 5000), at), 1);
        var next = JsonDocument.Parse(Frames.NewMessage(conversationId, new LiveMessage(sender, "candidate", "short", at), 2)).RootElement;

        next.GetProperty("data").GetProperty("content").GetString().ShouldBe("short");
    }

    [Theory]
    [InlineData(2026, 11, 29, 23, 59, 59, 999, 9999, "2026-11-29T23:59:59.999Z")]
    [InlineData(1, 1, 1, 0, 0, 0, 0, 0, "0001-01-01T00:00:00.000Z")]
    public void Timestamps_are_cut_to_milliseconds_not_rounded(int y, int mo, int d, int h, int mi, int s, int ms, int ticks, string expected)
    {
        var value = new DateTime(y, mo, d, h, mi, s, ms, DateTimeKind.Utc).AddTicks(ticks);

        JsonSerializer.Serialize(value, Json.Options).ShouldBe($"\"{expected}\"");
    }
}
