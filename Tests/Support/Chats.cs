using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Realtime;

namespace SupportChat.Tests.Support;

public sealed record TestChat(string Id, TestUser Candidate, TestUser Agent, TestUser Supervisor);

/// <summary>A conversation whose candidate and agent each have a socket in the room; disposing closes both.</summary>
public sealed class JoinedChat(TestChat chat, TestSocket candidate, TestSocket agent) : IAsyncDisposable
{
    public TestChat Chat => chat;
    public string Id => chat.Id;
    public TestSocket Candidate => candidate;
    public TestSocket Agent => agent;

    public async ValueTask DisposeAsync()
    {
        await candidate.DisposeAsync();
        await agent.DisposeAsync();
    }
}

/// <summary>Conversations in a given state, reached over the public HTTP API.</summary>
public static class Chats
{
    public static async Task<TestChat> OpenConversationAsync(this ITestService app)
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var candidate = await app.NewUserAsync("candidate");
        var id = (await app.PostAsync("/conversations", new { supervisorId = supervisor.Id }, candidate.Token))
            .ShouldSucceed(HttpStatusCode.Created).GetProperty("_id").GetString()!;
        return new TestChat(id, candidate, agent, supervisor);
    }

    /// <summary>Assigned over HTTP; the status stays "open" until the agent joins.</summary>
    public static async Task<TestChat> AssignedConversationAsync(this ITestService app)
    {
        var chat = await app.OpenConversationAsync();
        (await app.PostAsync($"/conversations/{chat.Id}/assign", new { agentId = chat.Agent.Id }, chat.Supervisor.Token)).ShouldSucceed();
        return chat;
    }

    public static Task<TestSocket> ConnectAsync(this ITestService app, TestUser user) => TestSocket.ConnectAsync(app.SocketUri(user.Token));

    /// <summary>An assigned conversation with the candidate's and the agent's sockets both in its room.</summary>
    public static async Task<JoinedChat> JoinedChatAsync(this ITestService app)
    {
        var chat = await app.AssignedConversationAsync();
        var joined = new JoinedChat(chat, await app.ConnectAsync(chat.Candidate), await app.ConnectAsync(chat.Agent));
        await joined.Candidate.JoinAsync(chat.Id);
        await joined.Agent.JoinAsync(chat.Id);
        return joined;
    }

    internal static RoomStore Rooms(this TestApp app) => app.Services.GetRequiredService<RoomStore>();

    /// <summary>The census once no socket is in any room: an earlier test's sockets leave a moment after they hang up.</summary>
    internal static async Task<(int Rooms, int Sockets)> SettledCensusAsync(this TestApp app)
    {
        var deadline = DateTime.UtcNow + TestSocket.FrameTimeout;
        while (app.Rooms().Census().Sockets != 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        var census = app.Rooms().Census();
        census.Sockets.ShouldBe(0, "sockets of an earlier test are still in a room");
        return census;
    }

    /// <summary>Polls until the store agrees (the server notices a disconnect a moment after the client sends it).</summary>
    internal static async Task ShouldEventuallyHaveAsync(this TestApp app, int rooms, int sockets)
    {
        var deadline = DateTime.UtcNow + TestSocket.FrameTimeout;
        while (app.Rooms().Census() != (rooms, sockets) && DateTime.UtcNow < deadline) await Task.Delay(20);
        app.Rooms().Census().ShouldBe((rooms, sockets));
    }
}
