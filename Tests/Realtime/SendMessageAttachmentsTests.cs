using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>SEND_MESSAGE with <c>attachmentIds</c> (CONTRACT.md "Attachments").</summary>
public sealed class SendMessageAttachmentsTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task A_message_carries_its_attachments_in_NEW_MESSAGE_and_in_the_transcript_before_and_after_the_close()
    {
        await using var chat = await app.JoinedChatAsync();
        var png = await app.UploadedIdAsync(chat.Id, chat.Chat.Candidate.Token, Uploads.Png, "screen.png");
        var pdf = await app.UploadedIdAsync(chat.Id, chat.Chat.Candidate.Token, Uploads.Pdf, "invoice.pdf");

        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, attachmentIds = new[] { pdf, png } });   // no content
        var frame = await chat.Agent.ExpectAsync("NEW_MESSAGE");
        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "plain" });
        var plain = await chat.Agent.ExpectAsync("NEW_MESSAGE");

        frame.Data.GetProperty("content").GetString().ShouldBe("");
        Attachments(frame.Data).ShouldBe([(pdf, "invoice.pdf", "application/pdf", Uploads.Pdf.Length, false), (png, "screen.png", "image/png", Uploads.Png.Length, true)]);
        plain.Data.TryGetProperty("attachments", out _).ShouldBeFalse();   // Part 1's shape without attachments
        await chat.Candidate.ShouldReceiveNothingAsync();

        var live = await MessagesAsync(chat.Chat);
        Attachments(live[0]).ShouldBe(Attachments(frame.Data));
        live[1].TryGetProperty("attachments", out _).ShouldBeFalse();

        await chat.Agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await chat.Candidate.ExpectAsync("CONVERSATION_CLOSED");
        var persisted = await MessagesAsync(chat.Chat);
        Attachments(persisted[0]).ShouldBe(Attachments(frame.Data));
        persisted[1].TryGetProperty("attachments", out _).ShouldBeFalse();
        // Attachments of a closed conversation stay readable by those who may read it.
        (await app.DownloadAsync($"/attachments/{png}", chat.Chat.Supervisor.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Content_with_attachments_keeps_the_content_rules()
    {
        await using var chat = await app.JoinedChatAsync();
        var id = await app.UploadedIdAsync(chat.Id, chat.Chat.Agent.Token);

        await chat.Agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "a\u0000b", attachmentIds = new[] { id } });
        await chat.Agent.ExpectErrorAsync("Invalid request schema");
        await chat.Agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = new string('x', 5001), attachmentIds = new[] { id } });
        await chat.Agent.ExpectErrorAsync("Invalid request schema");
        await chat.Agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "see attached", attachmentIds = new[] { id } });

        var frame = await chat.Candidate.ExpectAsync("NEW_MESSAGE");
        frame.Data.GetProperty("content").GetString().ShouldBe("see attached");
        frame.Data.GetProperty("senderRole").GetString().ShouldBe("agent");
        Attachments(frame.Data).Single().Id.ShouldBe(id);
    }

    [Fact]
    public async Task An_attachment_used_once_cannot_be_used_again()
    {
        await using var chat = await app.JoinedChatAsync();
        var id = await app.UploadedIdAsync(chat.Id, chat.Chat.Candidate.Token);
        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, attachmentIds = new[] { id } });
        await chat.Agent.ExpectAsync("NEW_MESSAGE");

        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "again", attachmentIds = new[] { id } });

        await chat.Candidate.ExpectErrorAsync("Invalid request schema");
        await chat.Agent.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task Of_two_sends_racing_for_one_upload_exactly_one_gets_it()
    {
        await using var chat = await app.JoinedChatAsync();
        await using var secondTab = await app.ConnectAsync(chat.Chat.Candidate);
        await secondTab.JoinAsync(chat.Id);
        var id = await app.UploadedIdAsync(chat.Id, chat.Chat.Candidate.Token);

        await Task.WhenAll(
            chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "one", attachmentIds = new[] { id } }),
            secondTab.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "two", attachmentIds = new[] { id } }));

        var delivered = await chat.Agent.ReceiveUntilQuietAsync(TimeSpan.FromSeconds(1));
        delivered.Count(f => f.Event == "NEW_MESSAGE").ShouldBe(1);
        (await MessagesAsync(chat.Chat)).Length.ShouldBe(1);
    }

    public static TheoryData<string> Unusable => ["unknown", "someone else's", "another conversation's", "six", "duplicate", "empty", "malformed", "not an array"];

    [Theory]
    [MemberData(nameof(Unusable))]
    public async Task An_attachment_id_the_sender_may_not_use_is_a_schema_error_and_nothing_is_sent(string kind)
    {
        await using var chat = await app.JoinedChatAsync();
        var own = await app.UploadedIdAsync(chat.Id, chat.Chat.Candidate.Token);
        object ids = kind switch
        {
            "unknown" => new[] { "0123456789abcdef01234567" },
            "someone else's" => new[] { await app.UploadedIdAsync(chat.Id, chat.Chat.Agent.Token) },   // the agent's, in this conversation
            "another conversation's" => new[] { await OtherConversationUploadAsync(chat.Chat.Candidate) },
            "six" => Enumerable.Range(0, 6).Select(_ => own).ToArray(),
            "duplicate" => new[] { own, own.ToUpperInvariant() },
            "empty" => Array.Empty<string>(),
            "malformed" => new[] { "xyz" },
            _ => own,
        };

        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, attachmentIds = ids });

        await chat.Candidate.ExpectErrorAsync("Invalid request schema");
        await chat.Agent.ShouldReceiveNothingAsync();
        // Nothing was used up: the sender's own upload still goes with a valid message.
        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, attachmentIds = new[] { own } });
        Attachments((await chat.Agent.ExpectAsync("NEW_MESSAGE")).Data).Single().Id.ShouldBe(own);
    }

    [Fact]
    public async Task A_sender_outside_the_room_is_told_to_join_and_keeps_the_upload()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await agent.JoinAsync(chat.Id);
        var id = await app.UploadedIdAsync(chat.Id, chat.Candidate.Token);

        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, attachmentIds = new[] { id } });
        await candidate.ExpectErrorAsync("You must join the conversation first");

        await candidate.JoinAsync(chat.Id);
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, attachmentIds = new[] { id } });
        Attachments((await agent.ExpectAsync("NEW_MESSAGE")).Data).Single().Id.ShouldBe(id);
    }

    /// <summary>An upload by <paramref name="candidate"/> to another conversation. A candidate has one active conversation at a
    /// time, so it is uploaded to another candidate's and then attributed to this one: the only difference left is the conversation.</summary>
    async Task<string> OtherConversationUploadAsync(TestUser candidate)
    {
        var other = await app.OpenConversationAsync();
        var id = await app.UploadedIdAsync(other.Id, other.Candidate.Token);
        var attachmentId = SupportChat.Common.ObjectId.Parse(id);
        var uploader = SupportChat.Common.ObjectId.Parse(candidate.Id);
        (await app.WithDbAsync(db => db.Attachments.Where(a => a.Id == attachmentId).ExecuteUpdateAsync(set => set.SetProperty(a => a.UploaderId, uploader))))
            .ShouldBe(1);
        return id;
    }

    async Task<JsonElement[]> MessagesAsync(TestChat chat) =>
        [.. (await app.GetAsync($"/conversations/{chat.Id}", chat.Supervisor.Token)).ShouldSucceed().GetProperty("messages").EnumerateArray()];

    static List<(string Id, string FileName, string FileType, long FileSize, bool IsImage)> Attachments(JsonElement message) =>
        [.. message.GetProperty("attachments").EnumerateArray().Select(a =>
        {
            a.EnumerateObject().Select(p => p.Name).ShouldBe(["_id", "fileName", "fileType", "fileSize", "isImage"]);
            return (a.GetProperty("_id").GetString()!, a.GetProperty("fileName").GetString()!, a.GetProperty("fileType").GetString()!,
                a.GetProperty("fileSize").GetInt64(), a.GetProperty("isImage").GetBoolean());
        })];
}
