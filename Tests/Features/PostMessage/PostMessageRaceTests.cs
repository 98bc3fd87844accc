using System.Net;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.PostMessage;

/// <summary>HTTP sends racing a close: a 201 message is always in the persisted transcript, a refused one never, seqs without gaps.</summary>
public sealed class PostMessageRaceTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Every_accepted_message_is_persisted_by_the_close_it_raced_and_no_refused_one_is()
    {
        for (var round = 0; round < 5; round++)
        {
            var chat = await app.OpenConversationAsync();
            var sends = Enumerable.Range(0, 20).Select(async i =>
            {
                await Task.Yield();
                return (Content: $"m{i}", Response: await app.PostAsync($"/conversations/{chat.Id}/messages", new { content = $"m{i}" }, chat.Candidate.Token));
            }).ToList();
            var close = app.PostAsync($"/conversations/{chat.Id}/close", null, chat.Supervisor.Token);
            var results = await Task.WhenAll(sends);
            (await close).ShouldSucceed();

            var accepted = new List<(int Seq, string Content)>();
            foreach (var (content, response) in results)
            {
                if (response.Status == HttpStatusCode.Created) accepted.Add((response.Data.GetProperty("seq").GetInt32(), content));
                else response.ShouldFail(HttpStatusCode.Conflict, "Conversation already closed");
            }
            var persisted = (await app.GetAsync($"/conversations/{chat.Id}", chat.Supervisor.Token)).ShouldSucceed();
            persisted.GetProperty("status").GetString().ShouldBe("closed");
            persisted.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("seq").GetInt32(), m.GetProperty("content").GetString()!))
                .ShouldBe(accepted.OrderBy(a => a.Seq).ToList(), $"round {round}");
            accepted.Select(a => a.Seq).Order().ShouldBe(Enumerable.Range(1, accepted.Count));
            persisted.GetProperty("messageCount").GetInt32().ShouldBe(accepted.Count);
            app.Rooms().TranscriptPage(SupportChat.Common.ObjectId.Parse(chat.Id), null, null, 10).Messages.ShouldBeEmpty("no stray room after the close");
        }
    }
}
