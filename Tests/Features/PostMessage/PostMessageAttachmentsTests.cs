using System.Net;
using System.Text.Json;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.PostMessage;

/// <summary>POST /conversations/:id/messages with <c>attachmentIds</c> (CONTRACT.md "Attachments"): the same rules as SEND_MESSAGE's.</summary>
public sealed class PostMessageAttachmentsTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task An_http_message_carries_its_attachments_in_the_answer_the_frame_and_the_transcript()
    {
        await using var chat = await app.JoinedChatAsync();
        var png = await app.UploadedIdAsync(chat.Id, chat.Chat.Candidate.Token, Uploads.Png, "screen.png");

        var sent = (await app.PostAsync($"/conversations/{chat.Id}/messages", new { attachmentIds = new[] { png } }, chat.Chat.Candidate.Token))
            .ShouldSucceed(HttpStatusCode.Created);   // no content at all
        var frame = await chat.Agent.ExpectAsync("NEW_MESSAGE");
        (await chat.Candidate.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("seq").GetInt32().ShouldBe(sent.GetProperty("seq").GetInt32());

        sent.GetProperty("content").GetString().ShouldBe("");
        AttachmentIds(sent).ShouldBe([png]);
        AttachmentIds(frame.Data).ShouldBe([png]);
        var transcript = (await app.GetAsync($"/conversations/{chat.Id}", chat.Chat.Supervisor.Token)).ShouldSucceed().GetProperty("messages");
        AttachmentIds(transcript[0]).ShouldBe([png]);
        transcript[0].GetProperty("attachments")[0].GetProperty("fileName").GetString().ShouldBe("screen.png");

        // Used once: a second message may not carry it again.
        (await app.PostAsync($"/conversations/{chat.Id}/messages", new { content = "again", attachmentIds = new[] { png } }, chat.Chat.Candidate.Token))
            .ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        await chat.Agent.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task Unusable_ids_and_bad_shapes_are_schema_errors_and_nothing_is_sent()
    {
        await using var chat = await app.JoinedChatAsync();
        var other = await app.JoinedChatAsync();
        await using var _ = other;
        var othersUpload = await app.UploadedIdAsync(other.Id, other.Chat.Candidate.Token);
        var agentsUpload = await app.UploadedIdAsync(chat.Id, chat.Chat.Agent.Token);
        var mine = await app.UploadedIdAsync(chat.Id, chat.Chat.Candidate.Token);
        var path = $"/conversations/{chat.Id}/messages";
        var token = chat.Chat.Candidate.Token;

        object[] bodies =
        [
            new { attachmentIds = new[] { othersUpload } },              // another conversation's (and someone else's)
            new { attachmentIds = new[] { agentsUpload } },              // the other side's upload
            new { attachmentIds = new[] { "0123456789abcdef01234567" } }, // unknown
            new { attachmentIds = new[] { mine, mine } },                // the same id twice
            new { attachmentIds = Array.Empty<string>() },
            new { attachmentIds = new[] { "nope" } },
            new { attachmentIds = new[] { mine }, content = "a\u0001b" },
            new { content = "" },
        ];
        foreach (var body in bodies)
            (await app.PostAsync(path, body, token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        await chat.Agent.ShouldReceiveNothingAsync();

        // None of the refused sends used up the caller's own upload.
        (await app.PostAsync(path, new { content = "here", attachmentIds = new[] { mine } }, token)).ShouldSucceed(HttpStatusCode.Created);
        AttachmentIds((await chat.Agent.ExpectAsync("NEW_MESSAGE")).Data).ShouldBe([mine]);
    }

    static List<string> AttachmentIds(JsonElement message) =>
        [.. message.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("_id").GetString()!)];
}
