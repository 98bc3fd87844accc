using System.Net.WebSockets;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>The real service as a separate process: chat, SIGTERM (what a deploy sends), start again on the same database.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    readonly TestDatabase _database = TestDatabase.Create();

    public Task InitializeAsync() => Task.CompletedTask;
    public Task DisposeAsync() => _database.DropAsync();

    [Fact]
    public async Task A_graceful_restart_keeps_every_live_message_in_order_and_the_chat_continues()
    {
        TestChat chat;
        var sent = new List<(string SenderId, string Content)>();

        await using (var service = await ServiceProcess.StartAsync(_database))
        {
            chat = await service.AssignedConversationAsync();
            await using var candidate = await service.ConnectAsync(chat.Candidate);
            await using var agent = await service.ConnectAsync(chat.Agent);
            await candidate.JoinAsync(chat.Id);
            await agent.JoinAsync(chat.Id);
            await ChatAsync(candidate, chat.Candidate, agent, chat.Agent, chat.Id, sent, "before", 20);

            (await service.TerminateAsync()).ShouldBe(0, service.Output);
            (await candidate.ExpectCloseAsync()).ShouldBe(WebSocketCloseStatus.EndpointUnavailable);   // 1001, going away
            (await agent.ExpectCloseAsync()).ShouldBe(WebSocketCloseStatus.EndpointUnavailable);
        }

        await using (var service = await ServiceProcess.StartAsync(_database))
        {
            (await TranscriptAsync(service, chat)).ShouldBe(sent);

            // Tokens outlive the restart; both sides rejoin and carry on where they were.
            await using var candidate = await service.ConnectAsync(chat.Candidate);
            await using var agent = await service.ConnectAsync(chat.Agent);
            (await agent.JoinAsync(chat.Id)).Data.GetProperty("status").GetString().ShouldBe("assigned");
            await candidate.JoinAsync(chat.Id);
            await ChatAsync(candidate, chat.Candidate, agent, chat.Agent, chat.Id, sent, "after", 4);
            (await TranscriptAsync(service, chat)).ShouldBe(sent);

            await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
            await candidate.ExpectAsync("CONVERSATION_CLOSED");
            var closed = (await service.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed();
            closed.GetProperty("status").GetString().ShouldBe("closed");
            (await TranscriptAsync(service, chat)).ShouldBe(sent);
        }
    }

    [Fact]
    public async Task A_crash_loses_nothing_older_than_one_checkpoint_interval()
    {
        var settings = new Dictionary<string, string> { ["Realtime__CheckpointSeconds"] = "0.2" };
        TestChat chat;
        var sent = new List<(string SenderId, string Content)>();

        await using (var service = await ServiceProcess.StartAsync(_database, settings))
        {
            chat = await service.AssignedConversationAsync();
            await using var candidate = await service.ConnectAsync(chat.Candidate);
            await using var agent = await service.ConnectAsync(chat.Agent);
            await candidate.JoinAsync(chat.Id);
            await agent.JoinAsync(chat.Id);
            await ChatAsync(candidate, chat.Candidate, agent, chat.Agent, chat.Id, sent, "before", 10);
            await Task.Delay(TimeSpan.FromSeconds(1));   // several checkpoint intervals
            await service.CrashAsync();
        }

        await using (var service = await ServiceProcess.StartAsync(_database, settings))
        {
            (await TranscriptAsync(service, chat)).ShouldBe(sent);
            await using var candidate = await service.ConnectAsync(chat.Candidate);
            await using var agent = await service.ConnectAsync(chat.Agent);
            await candidate.JoinAsync(chat.Id);
            await agent.JoinAsync(chat.Id);
            await ChatAsync(candidate, chat.Candidate, agent, chat.Agent, chat.Id, sent, "after", 2);
            (await TranscriptAsync(service, chat)).ShouldBe(sent);
        }
    }

    [Fact]
    public async Task Attachments_of_live_messages_survive_a_restart_and_the_close_after_it()
    {
        TestChat chat;
        string id;
        await using (var service = await ServiceProcess.StartAsync(_database))
        {
            chat = await service.AssignedConversationAsync();
            await using var candidate = await service.ConnectAsync(chat.Candidate);
            await using var agent = await service.ConnectAsync(chat.Agent);
            await candidate.JoinAsync(chat.Id);
            await agent.JoinAsync(chat.Id);
            id = await service.UploadedIdAsync(chat.Id, chat.Candidate.Token, Uploads.Png, "before restart.png");
            await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "look", attachmentIds = new[] { id } });
            await agent.ExpectAsync("NEW_MESSAGE");
            (await service.TerminateAsync()).ShouldBe(0, service.Output);
        }

        await using (var service = await ServiceProcess.StartAsync(_database))
        {
            AttachmentIds(await MessageAsync(service, chat)).ShouldBe([id]);
            await using var agent = await service.ConnectAsync(chat.Agent);
            await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
            await agent.ShouldReceiveNothingAsync();
            var closed = await MessageAsync(service, chat);
            AttachmentIds(closed).ShouldBe([id]);
            closed.GetProperty("attachments")[0].GetProperty("fileName").GetString().ShouldBe("before restart.png");
            using var download = await service.DownloadAsync($"/attachments/{id}", chat.Candidate.Token);
            (await download.Content.ReadAsByteArrayAsync()).ShouldBe(Uploads.Png);
        }
    }

    static async Task<System.Text.Json.JsonElement> MessageAsync(ServiceProcess service, TestChat chat) =>
        (await service.GetAsync($"/conversations/{chat.Id}", chat.Supervisor.Token)).ShouldSucceed().GetProperty("messages").EnumerateArray().Single();

    static string[] AttachmentIds(System.Text.Json.JsonElement message) =>
        [.. message.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("_id").GetString()!)];

    static async Task ChatAsync(TestSocket candidate, TestUser candidateUser, TestSocket agent, TestUser agentUser, string conversationId,
        List<(string, string)> sent, string label, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var (from, fromUser, to) = i % 2 == 0 ? (candidate, candidateUser, agent) : (agent, agentUser, candidate);
            var content = $"{label} {i} from {fromUser.Role}";
            await from.SendAsync("SEND_MESSAGE", new { conversationId, content });
            (await to.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe(content);
            sent.Add((fromUser.Id, content));
        }
    }

    static async Task<List<(string SenderId, string Content)>> TranscriptAsync(ServiceProcess service, TestChat chat) =>
        (await service.GetAsync($"/conversations/{chat.Id}", chat.Supervisor.Token)).ShouldSucceed()
            .GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("senderId").GetString()!, m.GetProperty("content").GetString()!))
            .ToList();
}
