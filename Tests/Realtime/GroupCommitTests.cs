using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Realtime;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>Closes that queue up behind one transcript write are committed together, each on its own conditions.</summary>
// The in-process engine's close path: it holds TranscriptWriter's gate and reads and seeds RoomStore's in-memory transcript.
[Trait("Engine", "InProcess")]
public sealed class GroupCommitTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Closes_queued_together_commit_together_and_one_no_longer_valid_is_refused_alone()
    {
        await using var sockets = new SocketBag();
        var chats = await ChatsWithTwoMessagesAsync(sockets);
        var ids = chats.Select(c => ObjectId.Parse(c.Chat.Id)).ToArray();

        var closes = await CloseTogetherAsync(chats, whileQueued: async () =>
        {
            // The second is reassigned: its agent may no longer close it.
            var other = await app.NewUserAsync("agent", chats[1].Chat.Supervisor.Id);
            (await app.PostAsync($"/conversations/{chats[1].Chat.Id}/assign", new { agentId = other.Id }, chats[1].Chat.Supervisor.Token)).ShouldSucceed();
        });

        (await Task.WhenAll(closes)).ShouldBe([true, false, true]);
        await chats[0].Candidate.ExpectAsync("CONVERSATION_CLOSED");
        await chats[2].Candidate.ExpectAsync("CONVERSATION_CLOSED");
        await chats[1].Candidate.ShouldReceiveNothingAsync();
        var (conversations, persisted) = await StoredAsync(ids);
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

    [Fact]
    public async Task A_close_whose_write_fails_fails_alone_and_the_others_queued_with_it_commit()
    {
        await using var sockets = new SocketBag();
        var chats = await ChatsWithTwoMessagesAsync(sockets);
        var ids = chats.Select(c => ObjectId.Parse(c.Chat.Id)).ToArray();
        // A message the database refuses (Content is NOT NULL) makes the second close's insert throw.
        app.Rooms().Restore(ids[1], [new LiveMessage(ObjectId.Parse(chats[1].Chat.Agent.Id), "agent", null!, DateTime.UtcNow)]);

        var closes = await CloseTogetherAsync(chats, whileQueued: () => Task.CompletedTask);

        (await closes[0]).ShouldBeTrue();
        (await Record.ExceptionAsync(() => closes[1])).ShouldNotBeNull();
        (await closes[2]).ShouldBeTrue();
        var (conversations, persisted) = await StoredAsync(ids);
        conversations[ids[0]].Status.ShouldBe(ConversationStatus.Closed);
        conversations[ids[1]].Status.ShouldBe(ConversationStatus.Assigned);
        conversations[ids[2]].Status.ShouldBe(ConversationStatus.Closed);
        persisted.Select(m => m.Content).ShouldBe(["hello 0", "still there 0?", "hello 2", "still there 2?"], ignoreOrder: true);
        await chats[0].Candidate.ExpectAsync("CONVERSATION_CLOSED");
        await chats[1].Candidate.ShouldReceiveNothingAsync();
    }

    sealed record LiveChat(TestChat Chat, TestSocket Candidate);

    /// <summary>Three assigned conversations, both sides joined, each with two live messages from the candidate.</summary>
    async Task<LiveChat[]> ChatsWithTwoMessagesAsync(SocketBag sockets)
    {
        var chats = new List<LiveChat>();
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
            chats.Add(new LiveChat(chat, candidate));
        }
        return [.. chats];
    }

    /// <summary>Holds the transcript writer while every agent's close queues up behind it, then lets them go together.</summary>
    async Task<Task<bool>[]> CloseTogetherAsync(LiveChat[] chats, Func<Task> whileQueued)
    {
        var release = new TaskCompletionSource<bool>();
        var held = app.Services.GetRequiredService<TranscriptWriter>().ExclusiveAsync(() => release.Task);
        var closer = app.Services.GetRequiredService<ConversationCloser>();
        var scopes = chats.Select(_ => app.Services.CreateAsyncScope()).ToArray();
        var closes = chats.Select((c, i) => CloseAsync(scopes[i], closer, c.Chat)).ToArray();
        await whileQueued();
        release.SetResult(true);
        await held;
        return closes;
    }

    static async Task<bool> CloseAsync(AsyncServiceScope scope, ConversationCloser closer, TestChat chat)
    {
        await using (scope)
            return await closer.CloseAsync(scope.ServiceProvider.GetRequiredService<SupportChatDb>(), ObjectId.Parse(chat.Id),
                ConversationStatus.Assigned, new AuditActor(ObjectId.Parse(chat.Agent.Id), "agent"), CloseVia.WebSocket, ObjectId.Parse(chat.Agent.Id));
    }

    Task<(Dictionary<ObjectId, Conversation>, List<Message>)> StoredAsync(ObjectId[] ids) => app.WithDbAsync(async db => (
        await db.Conversations.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id),
        await db.Messages.AsNoTracking().Where(m => ids.Contains(m.ConversationId)).OrderBy(m => m.Sequence).ToListAsync()));

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
