using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Realtime;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>Closes that queue up behind one transcript write are committed together, each on its own conditions.</summary>
public sealed class GroupCommitTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Closes_queued_together_commit_together_and_one_no_longer_valid_is_refused_alone()
    {
        var chats = new List<TestChat>();
        var candidates = new List<TestSocket>();
        await using var sockets = new SocketBag();
        for (var i = 0; i < 3; i++)
        {
            var chat = await app.AssignedConversationAsync();
            var candidate = sockets.Add(await app.ConnectAsync(chat.Candidate));
            var agent = sockets.Add(await app.ConnectAsync(chat.Agent));
            await candidate.JoinAsync(chat.Id);
            await agent.JoinAsync(chat.Id);
            foreach (var content in new[] { $"hello {i}", $"still there {i}?" })
            {
                await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content });
                await agent.ExpectAsync("NEW_MESSAGE");
            }
            chats.Add(chat);
            candidates.Add(candidate);
        }
        var ids = chats.Select(c => ObjectId.Parse(c.Id)).ToArray();

        // Hold the writer, so the three closes queue up behind it.
        var release = new TaskCompletionSource<bool>();
        var held = app.Services.GetRequiredService<TranscriptWriter>().ExclusiveAsync(() => release.Task);
        var closer = app.Services.GetRequiredService<ConversationCloser>();
        var scopes = chats.Select(_ => app.Services.CreateAsyncScope()).ToArray();
        var closes = chats.Select((chat, i) => closer.CloseAsync(scopes[i].ServiceProvider.GetRequiredService<SupportChatDb>(),
            ids[i], ConversationStatus.Assigned, ObjectId.Parse(chat.Agent.Id))).ToArray();
        // While they wait, the second is reassigned: its agent may no longer close it.
        var other = await app.NewUserAsync("agent", chats[1].Supervisor.Id);
        (await app.PostAsync($"/conversations/{chats[1].Id}/assign", new { agentId = other.Id }, chats[1].Supervisor.Token)).ShouldSucceed();
        release.SetResult(true);
        await held;

        (await Task.WhenAll(closes)).ShouldBe([true, false, true]);
        foreach (var scope in scopes) await scope.DisposeAsync();
        await candidates[0].ExpectAsync("CONVERSATION_CLOSED");
        await candidates[2].ExpectAsync("CONVERSATION_CLOSED");
        await candidates[1].ShouldReceiveNothingAsync();
        var (conversations, persisted) = await app.WithDbAsync(async db => (
            await db.Conversations.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id),
            await db.Messages.AsNoTracking().Where(m => ids.Contains(m.ConversationId)).OrderBy(m => m.Sequence).ToListAsync()));
        foreach (var i in new[] { 0, 2 })
        {
            conversations[ids[i]].Status.ShouldBe(ConversationStatus.Closed);
            persisted.Where(m => m.ConversationId == ids[i]).Select(m => m.Content).ShouldBe([$"hello {i}", $"still there {i}?"]);
        }
        conversations[ids[0]].ClosedAt.ShouldBe(conversations[ids[2]].ClosedAt);   // one transaction
        conversations[ids[1]].Status.ShouldBe(ConversationStatus.Assigned);
        persisted.ShouldNotContain(m => m.ConversationId == ids[1]);
        app.Rooms().Transcript(ids[1]).Select(m => m.Content).ShouldBe(["hello 1", "still there 1?"]);
    }

    sealed class SocketBag : IAsyncDisposable
    {
        readonly List<TestSocket> _sockets = [];

        public TestSocket Add(TestSocket socket)
        {
            _sockets.Add(socket);
            return socket;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var socket in _sockets) await socket.DisposeAsync();
        }
    }
}
