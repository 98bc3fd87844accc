using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

// The room census counts every room of the app, so each of these classes has an app of its own: sockets of other
// tests, still closing, would change the count under them.

public sealed class DisconnectTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task A_disconnected_socket_leaves_every_room_and_the_transcript_stays()
    {
        var first = await app.AssignedConversationAsync();
        var second = await app.AssignedConversationAsync();
        var agentOfBoth = first.Agent;
        (await app.PostAsync($"/conversations/{second.Id}/assign", new { agentId = second.Agent.Id }, second.Supervisor.Token)).ShouldSucceed();

        var socket = await app.ConnectAsync(first.Candidate);
        await socket.JoinAsync(first.Id);
        await socket.SendAsync("SEND_MESSAGE", new { conversationId = first.Id, content = "before I go" });
        var census = app.Rooms().Census();
        await socket.DisposeAsync();

        await app.ShouldEventuallyHaveAsync(census.Rooms, census.Sockets - 1);
        var messages = (await app.GetAsync($"/conversations/{first.Id}", agentOfBoth.Token)).ShouldSucceed().GetProperty("messages");
        messages.EnumerateArray().Select(m => m.GetProperty("content").GetString()).ShouldBe(["before I go"]);
    }
}

public sealed class ReconnectChurnTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task A_thousand_connect_join_disconnect_cycles_leave_no_room_or_socket_behind()
    {
        var chat = await app.AssignedConversationAsync();
        var uri = app.SocketUri(chat.Candidate.Token);
        var before = app.Rooms().Census();
        for (var i = 0; i < 1000; i++)
        {
            await using var socket = await TestSocket.ConnectAsync(uri);
            await socket.JoinAsync(chat.Id);
        }
        await app.ShouldEventuallyHaveAsync(before.Rooms, before.Sockets);
    }
}
