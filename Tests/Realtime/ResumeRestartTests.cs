using System.Net.WebSockets;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>Resume and idempotent sends across a restart: the transcript journal restores positions and clientMessageIds.</summary>
public sealed class ResumeRestartTests : IAsyncLifetime
{
    readonly TestDatabase _database = TestDatabase.Create();

    public Task InitializeAsync() => Task.CompletedTask;
    public Task DisposeAsync() => _database.DropAsync();

    [Fact]
    public async Task After_a_graceful_restart_since_seq_replays_from_the_checkpointed_transcript_and_a_retried_send_is_not_stored_again()
    {
        TestChat chat;
        string firstCreatedAt;
        await using (var service = await ServiceProcess.StartAsync(_database))
        {
            chat = await service.AssignedConversationAsync();
            await using var candidate = await service.ConnectAsync(chat.Candidate);
            await using var agent = await service.ConnectAsync(chat.Agent);
            await candidate.JoinAsync(chat.Id);
            await agent.JoinAsync(chat.Id);
            await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "before", clientMessageId = "retry-after-restart" });
            var accepted = await candidate.ExpectAsync("MESSAGE_ACCEPTED");
            accepted.Data.GetProperty("seq").GetInt32().ShouldBe(1);
            firstCreatedAt = accepted.Data.GetProperty("createdAt").GetString()!;
            await agent.ExpectAsync("NEW_MESSAGE");
            await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "reply" });
            await candidate.ExpectAsync("NEW_MESSAGE");

            (await service.TerminateAsync()).ShouldBe(0, service.Output);
            (await candidate.ExpectCloseAsync()).ShouldBe(WebSocketCloseStatus.EndpointUnavailable);
        }

        await using (var service = await ServiceProcess.StartAsync(_database))
        {
            await using var candidate = await service.ConnectAsync(chat.Candidate);
            await using var agent = await service.ConnectAsync(chat.Agent);
            await agent.JoinAsync(chat.Id);
            await candidate.SendAsync("JOIN_CONVERSATION", new { conversationId = chat.Id, sinceSeq = 0 });
            (await candidate.ExpectAsync("JOINED_CONVERSATION")).Data.GetProperty("lastSeq").GetInt32().ShouldBe(2);
            var replayed = await candidate.ReceiveUntilQuietAsync();
            replayed.Select(f => (f.Data.GetProperty("seq").GetInt32(), f.Data.GetProperty("content").GetString(), f.Data.GetProperty("replayed").GetBoolean()))
                .ShouldBe([(1, "before", true), (2, "reply", true)]);

            // The client never saw its MESSAGE_ACCEPTED before the restart, so it sends again.
            await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "before", clientMessageId = "retry-after-restart" });
            var repeat = await candidate.ExpectAsync("MESSAGE_ACCEPTED");
            (repeat.Data.GetProperty("seq").GetInt32(), repeat.Data.GetProperty("createdAt").GetString()).ShouldBe((1, firstCreatedAt));
            await agent.ShouldReceiveNothingAsync();

            await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "new", clientMessageId = "another" });
            (await candidate.ExpectAsync("MESSAGE_ACCEPTED")).Data.GetProperty("seq").GetInt32().ShouldBe(3);
            (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("seq").GetInt32().ShouldBe(3);
            var messages = (await service.GetAsync($"/conversations/{chat.Id}", chat.Supervisor.Token)).ShouldSucceed().GetProperty("messages");
            messages.EnumerateArray().Select(m => m.GetProperty("content").GetString()).ShouldBe(["before", "reply", "new"]);
        }
    }
}
