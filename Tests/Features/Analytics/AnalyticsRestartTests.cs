using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.Analytics;

/// <summary>
/// The counters behind GET /admin/analytics across restarts of the real service process: they live in the database,
/// are raised once per close, and nothing at shutdown or start-up adds to them or loses them. Counters kept in memory
/// read low after a restart; a start-up refill or a replay of closes reads high; a write deferred to shutdown is lost
/// by the crash. Each check compares every supervisor's row with a full count of the database, and with the closes
/// this test made.
/// </summary>
public sealed class AnalyticsRestartTests : IAsyncLifetime
{
    readonly TestDatabase _database = TestDatabase.Create();

    public Task InitializeAsync() => Task.CompletedTask;
    public Task DisposeAsync() => _database.DropAsync();

    [Fact]
    public async Task Counters_equal_the_full_count_after_closes_around_a_graceful_restart_and_a_crash()
    {
        TestUser admin, first, second;
        TestUser firstAgent, firstOtherAgent, secondAgent;
        TestChat spanning;
        var closed = new List<(string Id, TestUser Supervisor)>();

        await using (var service = await ServiceProcess.StartAsync(_database))
        {
            admin = await service.NewUserAsync("admin");
            first = await service.NewUserAsync("supervisor");
            second = await service.NewUserAsync("supervisor");
            firstAgent = await service.NewUserAsync("agent", first.Id);
            firstOtherAgent = await service.NewUserAsync("agent", first.Id);
            secondAgent = await service.NewUserAsync("agent", second.Id);

            closed.Add((await CloseOverHttpAsync(service, first, firstAgent), first));
            closed.Add((await CloseOverHttpAsync(service, first, firstOtherAgent), first));
            closed.Add((await CloseOverSocketAsync(service, first, firstAgent), first));
            closed.Add((await CloseOverSocketAsync(service, second, secondAgent), second));
            // Joined by its agent (status "assigned") and still open when the service stops; closed after the restart.
            spanning = await AssignedAsync(service, first, firstOtherAgent);
            await using (var agent = await service.ConnectAsync(spanning.Agent))
                await agent.JoinAsync(spanning.Id);

            await ShouldMatchAsync(service, admin, first, 3, second, 1);
            (await service.TerminateAsync()).ShouldBe(0, service.Output);
        }

        await using (var service = await ServiceProcess.StartAsync(_database))
        {
            // Before any new close: what the first process counted, no more (a refill or replay) and no less (memory).
            await ShouldMatchAsync(service, admin, first, 3, second, 1);

            await using (var candidate = await service.ConnectAsync(spanning.Candidate))
            await using (var agent = await service.ConnectAsync(spanning.Agent))
            {
                await candidate.JoinAsync(spanning.Id);
                await agent.JoinAsync(spanning.Id);
                await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = spanning.Id });
                await candidate.ExpectAsync("CONVERSATION_CLOSED");
            }
            closed.Add((spanning.Id, first));
            closed.Add((await CloseOverHttpAsync(service, first, firstAgent), first));
            closed.Add((await CloseOverSocketAsync(service, second, secondAgent), second));
            // Closing again, after the restart, what the first process closed: refused, so it must not count twice.
            (await service.PostAsync($"/conversations/{closed[0].Id}/close", null, first.Token))
                .ShouldFail(HttpStatusCode.BadRequest, ErrorMessages.ConversationNotOpen);

            // SIGKILL right after the last close was confirmed: no shutdown code gets to write anything.
            await service.CrashAsync();
        }

        await using (var service = await ServiceProcess.StartAsync(_database))
        {
            await ShouldMatchAsync(service, admin, first, 5, second, 2);

            closed.Add((await CloseOverSocketAsync(service, first, firstOtherAgent), first));
            closed.Add((await CloseOverHttpAsync(service, second, secondAgent), second));

            await ShouldMatchAsync(service, admin, first, 6, second, 3);
        }
        closed.Select(c => c.Id).ShouldBeUnique();
        (await FullCountAsync()).ShouldBe(new Dictionary<string, int> { [first.Id] = 6, [second.Id] = 3 }, ignoreOrder: true);
    }

    /// <summary>
    /// Every analytics row against the full count (closed conversations through their agent's supervisor) read from the
    /// database directly, and the two supervisors against the closes made so far.
    /// </summary>
    async Task ShouldMatchAsync(ServiceProcess service, TestUser admin, TestUser first, int firstHandled, TestUser second, int secondHandled)
    {
        var rows = (await service.GetAsync("/admin/analytics", admin.Token)).ShouldSucceed().EnumerateArray()
            .ToDictionary(r => r.GetProperty("supervisorId").GetString()!, r => r.GetProperty("conversationsHandled").GetInt32());
        var full = await FullCountAsync();

        rows.Keys.ShouldBe([first.Id, second.Id], ignoreOrder: true);
        foreach (var (supervisorId, handled) in rows)
            handled.ShouldBe(full.GetValueOrDefault(supervisorId), $"supervisor {supervisorId}: counter against the full count");
        rows[first.Id].ShouldBe(firstHandled);
        rows[second.Id].ShouldBe(secondHandled);
    }

    /// <summary>The previous release's definition, counted over every conversation, through the app's own database registration.</summary>
    async Task<Dictionary<string, int>> FullCountAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = _database.Provider,
                ["Database:ConnectionString"] = _database.ConnectionString,
            })
            .Build();
        await using var services = new ServiceCollection().AddDatabase(configuration).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SupportChatDb>();
        var counts = await (
                from c in db.Conversations
                join a in db.Users on c.AgentId equals (ObjectId?)a.Id
                where c.Status == ConversationStatus.Closed && a.SupervisorId != null
                group c by a.SupervisorId into bySupervisor
                select new { SupervisorId = bySupervisor.Key!.Value, Count = bySupervisor.Count() })
            .ToListAsync();
        return counts.ToDictionary(c => c.SupervisorId.ToString(), c => c.Count);
    }

    /// <summary>A new candidate's conversation with <paramref name="supervisor"/>, assigned over HTTP to <paramref name="agent"/>.</summary>
    static async Task<TestChat> AssignedAsync(ServiceProcess service, TestUser supervisor, TestUser agent)
    {
        var candidate = await service.NewUserAsync("candidate");
        var id = (await service.PostAsync("/conversations", new { supervisorId = supervisor.Id }, candidate.Token))
            .ShouldSucceed(HttpStatusCode.Created).GetProperty("_id").GetString()!;
        (await service.PostAsync($"/conversations/{id}/assign", new { agentId = agent.Id }, supervisor.Token)).ShouldSucceed();
        return new TestChat(id, candidate, agent, supervisor);
    }

    /// <summary>Assigned, then closed by the supervisor over HTTP (the status is still "open": the agent never joined).</summary>
    static async Task<string> CloseOverHttpAsync(ServiceProcess service, TestUser supervisor, TestUser agent)
    {
        var chat = await AssignedAsync(service, supervisor, agent);
        (await service.PostAsync($"/conversations/{chat.Id}/close", null, supervisor.Token)).ShouldSucceed();
        return chat.Id;
    }

    /// <summary>Assigned, joined by both sides, then closed by the agent over the socket; returns once the candidate is told.</summary>
    static async Task<string> CloseOverSocketAsync(ServiceProcess service, TestUser supervisor, TestUser agentUser)
    {
        var chat = await AssignedAsync(service, supervisor, agentUser);
        await using var candidate = await service.ConnectAsync(chat.Candidate);
        await using var agent = await service.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);
        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await candidate.ExpectAsync("CONVERSATION_CLOSED");
        return chat.Id;
    }
}
