using System.Net;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.UploadAttachment;

/// <summary>The hosted job that deletes uploads no message used, driven by a fake clock.</summary>
public sealed class UnusedAttachmentCleanupTests(FakeClockApp app) : IClassFixture<FakeClockApp>
{
    [Fact]
    public async Task Uploads_never_attached_are_deleted_after_24_hours_and_used_or_younger_ones_stay()
    {
        await using var chat = await app.JoinedChatAsync();
        var token = chat.Chat.Candidate.Token;
        var unused = await app.UploadedIdAsync(chat.Id, token);
        var used = await app.UploadedIdAsync(chat.Id, token);
        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, attachmentIds = new[] { used } });
        await chat.Agent.ExpectAsync("NEW_MESSAGE");

        app.Clock.Advance(TimeSpan.FromHours(23));   // the job runs every 10 minutes of this clock: the upload is not old enough yet
        var younger = await app.UploadedIdAsync(chat.Id, token);
        await app.ShouldStillHaveAsync(unused, younger, used);

        app.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(10));
        await app.ShouldEventuallyBeGoneAsync(unused);

        await app.ShouldStillHaveAsync(younger, used);
        (await app.DownloadAsync($"/attachments/{used}", token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.GetAsync($"/attachments/{unused}", token)).ShouldFail(HttpStatusCode.NotFound, "Not found");
        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, attachmentIds = new[] { unused } });
        await chat.Candidate.ExpectErrorAsync("Invalid request schema");
    }
}

static class CleanupAssertions
{
    static Task<int> CountAsync(TestApp app, params string[] ids)
    {
        ObjectId[] wanted = [.. ids.Select(id => ObjectId.Parse(id))];
        return app.WithDbAsync(db => db.Attachments.CountAsync(a => wanted.Contains(a.Id)));
    }

    public static async Task ShouldStillHaveAsync(this TestApp app, params string[] ids)
    {
        // The job's tick for the clock's last advance may still be running: wait for the database to be quiet about it.
        await Task.Delay(TestSocket.QuietWindow);
        (await CountAsync(app, ids)).ShouldBe(ids.Length);
    }

    /// <summary>Polls until the row is gone: the job runs on its own task once the fake clock's timer fires.</summary>
    public static async Task ShouldEventuallyBeGoneAsync(this TestApp app, string id)
    {
        var deadline = DateTime.UtcNow + TestSocket.FrameTimeout;
        while (await CountAsync(app, id) > 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        (await CountAsync(app, id)).ShouldBe(0, "the cleanup job did not delete the unused upload");
    }
}
