using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>The seq of a live message is its position in the transcript, which a restart restores: numbering goes on where it was.</summary>
public sealed class SeqRestartTests : IAsyncLifetime
{
    readonly TestDatabase _database = TestDatabase.Create();

    public Task InitializeAsync() => Task.CompletedTask;
    public Task DisposeAsync() => _database.DropAsync();

    [Fact]
    public async Task The_opening_message_and_http_sends_survive_a_graceful_restart_and_seq_continues()
    {
        TestChat chat;
        await using (var service = await ServiceProcess.StartAsync(_database))
        {
            var (supervisor, agent) = await service.NewTeamAsync();
            var candidate = await service.NewUserAsync("candidate");
            var id = (await service.PostAsync("/conversations", new { supervisorId = supervisor.Id, subject = "Restart", message = "opening" }, candidate.Token))
                .ShouldSucceed(System.Net.HttpStatusCode.Created).GetProperty("_id").GetString()!;
            chat = new TestChat(id, candidate, agent, supervisor);
            (await service.PostAsync($"/conversations/{id}/messages", new { content = "second" }, candidate.Token))
                .ShouldSucceed(System.Net.HttpStatusCode.Created).GetProperty("seq").GetInt32().ShouldBe(2);
            (await service.TerminateAsync()).ShouldBe(0, service.Output);
        }

        await using (var service = await ServiceProcess.StartAsync(_database))
        {
            var conversation = (await service.GetAsync($"/conversations/{chat.Id}", chat.Supervisor.Token)).ShouldSucceed();
            conversation.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("seq").GetInt32(), m.GetProperty("content").GetString()))
                .ShouldBe([(1, "opening"), (2, "second")]);
            conversation.GetProperty("messageCount").GetInt32().ShouldBe(2);
            conversation.GetProperty("subject").GetString().ShouldBe("Restart");

            await using var candidate = await service.ConnectAsync(chat.Candidate);
            (await candidate.JoinAsync(chat.Id)).Data.GetProperty("lastSeq").GetInt32().ShouldBe(2);
            (await service.PostAsync($"/conversations/{chat.Id}/messages", new { content = "third" }, chat.Candidate.Token))
                .ShouldSucceed(System.Net.HttpStatusCode.Created).GetProperty("seq").GetInt32().ShouldBe(3);
            (await candidate.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("seq").GetInt32().ShouldBe(3);
        }
    }
}
