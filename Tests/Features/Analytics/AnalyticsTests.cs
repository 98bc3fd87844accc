using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Text.Json;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.Analytics;

/// <summary>Rows of supervisors made by other tests of this class are present too, so each test finds its own rows by id.</summary>
public sealed class AnalyticsTests(TestApp app) : IClassFixture<TestApp>
{
    async Task<List<JsonElement>> AnalyticsAsync()
    {
        var admin = await app.NewUserAsync("admin");
        var data = (await app.GetAsync("/admin/analytics", admin.Token)).ShouldSucceed();
        data.ValueKind.ShouldBe(JsonValueKind.Array);
        return [.. data.EnumerateArray()];
    }

    static JsonElement RowOf(List<JsonElement> rows, TestUser supervisor) =>
        rows.Single(r => r.GetProperty("supervisorId").GetString() == supervisor.Id);

    /// <summary>A conversation of <paramref name="supervisor"/> handled by <paramref name="agent"/>: assigned, then closed.</summary>
    async Task HandledConversationAsync(TestUser supervisor, TestUser agent, TestUser? candidate = null)
    {
        var conversation = await app.NewConversationAsync(supervisor, candidate);
        await app.AssignAgentAsync(conversation, agent);
        await app.CloseConversationAsync(conversation);
    }

    [Fact]
    public async Task Counters_equal_the_full_count_after_racing_reassignments_and_closes_over_http_and_the_socket()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var agents = new List<TestUser>();
        for (var i = 0; i < 3; i++) agents.Add(await app.NewUserAsync("agent", supervisor.Id));
        var conversations = new List<TestConversation>();
        for (var i = 0; i < 8; i++) conversations.Add(await app.NewConversationAsync(supervisor));

        // Every agent assigned to every conversation at once: whichever wins, the count must follow it.
        await Task.WhenAll(conversations.SelectMany(c => agents.Select(a =>
            app.PostAsync($"/conversations/{c.Id}/assign", new { agentId = a.Id }, supervisor.Token))));
        // Half closed over HTTP, twice at once each; the other half by its agent over the socket, while an HTTP close races it.
        var viaSocket = conversations.Skip(4).ToList();
        var sockets = new List<TestSocket>();
        foreach (var conversation in viaSocket)
        {
            var agentId = (await app.GetAsync($"/conversations/{conversation.Id}", supervisor.Token)).ShouldSucceed().GetProperty("agentId").GetString();
            var socket = await app.ConnectAsync(agents.Single(a => a.Id == agentId));
            await socket.JoinAsync(conversation.Id);
            sockets.Add(socket);
        }
        await Task.WhenAll(
            conversations.Take(4).SelectMany(c => new[] { CloseAsync(c), CloseAsync(c) })
                .Concat(viaSocket.Select(CloseAsync))
                .Concat(viaSocket.Select((c, i) => sockets[i].SendAsync("CLOSE_CONVERSATION", new { conversationId = c.Id }))));
        foreach (var conversation in conversations)
            await WaitUntilClosedAsync(conversation);
        foreach (var socket in sockets) await socket.DisposeAsync();

        var supervisorId = ObjectId.Parse(supervisor.Id);
        var fullCount = await app.WithDbAsync(db => db.Conversations.CountAsync(c => c.Status == "closed"
            && db.Users.Any(u => u.Id == c.AgentId && u.SupervisorId == supervisorId)));
        fullCount.ShouldBe(8);
        RowOf(await AnalyticsAsync(), supervisor).GetProperty("conversationsHandled").GetInt32().ShouldBe(fullCount);

        Task<ApiResponse> CloseAsync(TestConversation c) => app.PostAsync($"/conversations/{c.Id}/close", null, supervisor.Token);
    }

    async Task WaitUntilClosedAsync(TestConversation conversation)
    {
        var deadline = DateTime.UtcNow + TestSocket.FrameTimeout;
        string? status;
        do status = (await app.GetAsync($"/conversations/{conversation.Id}", conversation.Supervisor.Token)).ShouldSucceed().GetProperty("status").GetString();
        while (status != "closed" && DateTime.UtcNow < deadline);
        status.ShouldBe("closed");
    }

    [Fact]
    public async Task A_supervisor_without_agents_has_a_row_of_zeros()
    {
        var supervisor = await app.NewUserAsync("supervisor", name: "Lonely Supervisor");

        var row = RowOf(await AnalyticsAsync(), supervisor);

        row.GetProperty("supervisorName").GetString().ShouldBe("Lonely Supervisor");
        row.GetProperty("agents").GetInt32().ShouldBe(0);
        row.GetProperty("conversationsHandled").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Agents_and_closed_conversations_of_those_agents_are_counted_exactly()
    {
        var (supervisor, first) = await app.NewTeamAsync();
        var second = await app.NewUserAsync("agent", supervisor.Id);
        var candidate = await app.NewUserAsync("candidate");
        await HandledConversationAsync(supervisor, first, candidate);
        await HandledConversationAsync(supervisor, second, candidate);
        await HandledConversationAsync(supervisor, first, candidate);
        // None of these is closed by an agent of this supervisor, so none counts.
        var stillOpen = await app.NewConversationAsync(supervisor, candidate);
        await app.AssignAgentAsync(stillOpen, first);
        var assigned = await app.NewConversationAsync(supervisor);
        await app.AssignAgentAsync(assigned, second);
        await app.SetConversationStatusAsync(assigned.Id, "assigned");
        await app.NewConversationAsync(supervisor);
        await app.CloseConversationAsync(await app.NewConversationAsync(supervisor));
        var (otherSupervisor, otherAgent) = await app.NewTeamAsync();
        await HandledConversationAsync(otherSupervisor, otherAgent);

        var rows = await AnalyticsAsync();

        var row = RowOf(rows, supervisor);
        row.GetProperty("supervisorName").GetString().ShouldBe(supervisor.Name);
        row.GetProperty("agents").GetInt32().ShouldBe(2);
        row.GetProperty("conversationsHandled").GetInt32().ShouldBe(3);
        var other = RowOf(rows, otherSupervisor);
        other.GetProperty("agents").GetInt32().ShouldBe(1);
        other.GetProperty("conversationsHandled").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task A_closed_conversation_counts_for_the_supervisor_of_its_agent()
    {
        var (agentsSupervisor, agent) = await app.NewTeamAsync();
        var conversationsSupervisor = await app.NewUserAsync("supervisor");
        var candidate = await app.NewUserAsync("candidate");
        // Assign only accepts the caller's own agents, so this pairing can only be seeded; the close goes through the API,
        // which keeps the counters.
        var conversation = new Conversation
        {
            CandidateId = ObjectId.Parse(candidate.Id),
            SupervisorId = ObjectId.Parse(conversationsSupervisor.Id),
            AgentId = ObjectId.Parse(agent.Id),
        };
        await app.WithDbAsync(db =>
        {
            db.Conversations.Add(conversation);
            return db.SaveChangesAsync();
        });
        (await app.PostAsync($"/conversations/{conversation.Id}/close", null, conversationsSupervisor.Token)).ShouldSucceed();

        var rows = await AnalyticsAsync();

        RowOf(rows, agentsSupervisor).GetProperty("conversationsHandled").GetInt32().ShouldBe(1);
        RowOf(rows, conversationsSupervisor).GetProperty("conversationsHandled").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Only_supervisors_have_rows()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var candidate = await app.NewUserAsync("candidate");
        var admin = await app.NewUserAsync("admin");

        var ids = (await AnalyticsAsync()).Select(r => r.GetProperty("supervisorId").GetString()).ToList();

        ids.ShouldContain(supervisor.Id);
        ids.ShouldNotContain(agent.Id);
        ids.ShouldNotContain(candidate.Id);
        ids.ShouldNotContain(admin.Id);
        ids.ShouldBeUnique();
    }

    [Fact]
    public async Task Every_row_has_exactly_the_four_contract_fields()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        await HandledConversationAsync(supervisor, agent);

        var rows = await AnalyticsAsync();

        rows.ShouldNotBeEmpty();
        foreach (var row in rows)
        {
            row.EnumerateObject().Select(p => p.Name).ShouldBe(["supervisorId", "supervisorName", "agents", "conversationsHandled"], ignoreOrder: true);
            row.GetProperty("supervisorId").GetString()!.ShouldMatch("^[0-9a-f]{24}$");
            row.GetProperty("supervisorName").ValueKind.ShouldBe(JsonValueKind.String);
            row.GetProperty("agents").ValueKind.ShouldBe(JsonValueKind.Number);
            row.GetProperty("conversationsHandled").ValueKind.ShouldBe(JsonValueKind.Number);
        }
    }

    [Fact]
    public async Task Rows_are_ordered_by_name_ordinally_not_by_culture()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var bob = await app.NewUserAsync("supervisor", name: $"bob {tag}");
        var zed = await app.NewUserAsync("supervisor", name: $"Zed {tag}");
        var emile = await app.NewUserAsync("supervisor", name: $"Émile {tag}");

        var ids = (await AnalyticsAsync()).Select(r => r.GetProperty("supervisorId").GetString()).ToList();

        // Culture-aware order would be bob, Émile, Zed; ordinal (UTF-16 code units) is Zed, bob, Émile.
        ids.IndexOf(zed.Id).ShouldBeLessThan(ids.IndexOf(bob.Id));
        ids.IndexOf(bob.Id).ShouldBeLessThan(ids.IndexOf(emile.Id));
    }

    [Fact]
    public async Task Rows_with_the_same_name_are_ordered_by_id()
    {
        var name = $"Twin {Guid.NewGuid():N}";
        var twins = new[] { await app.NewUserAsync("supervisor", name: name), await app.NewUserAsync("supervisor", name: name), await app.NewUserAsync("supervisor", name: name) };

        var ids = (await AnalyticsAsync()).Select(r => r.GetProperty("supervisorId").GetString()).ToList();

        twins.Select(t => t.Id).OrderBy(id => ids.IndexOf(id)).ShouldBe(twins.Select(t => t.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_whole_list_is_sorted_by_name_then_id()
    {
        await app.NewUserAsync("supervisor", name: "aardvark");
        await app.NewUserAsync("supervisor", name: "Aardvark");
        await app.NewUserAsync("supervisor", name: "aardvark");

        var rows = await AnalyticsAsync();

        var keys = rows.Select(r => (Name: r.GetProperty("supervisorName").GetString()!, Id: r.GetProperty("supervisorId").GetString()!)).ToList();
        keys.ShouldBe([.. keys.OrderBy(k => k.Name, StringComparer.Ordinal).ThenBy(k => k.Id, StringComparer.Ordinal)]);
    }

    public static TheoryData<string?> BadTokens => Tokens.Invalid("admin");

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Missing_or_invalid_token_is_401(string? token)
    {
        (await app.GetAsync("/admin/analytics", token)).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
    }

    [Theory]
    [InlineData("supervisor")]
    [InlineData("agent")]
    [InlineData("candidate")]
    public async Task Roles_other_than_admin_are_403(string role)
    {
        var caller = await app.NewUserInRoleAsync(role);
        (await app.GetAsync("/admin/analytics", caller.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
    }

    [Fact]
    public async Task Analytics_is_one_sql_command_however_many_supervisors_there_are()
    {
        for (var i = 0; i < 3; i++)
        {
            var (supervisor, agent) = await app.NewTeamAsync();
            await app.NewUserAsync("agent", supervisor.Id);
            await HandledConversationAsync(supervisor, agent);
        }
        var admin = await app.NewUserAsync("admin");
        (await app.GetAsync("/admin/analytics", admin.Token)).ShouldSucceed();   // warm-up: start-up work is not this route's

        using var counter = new SqlCommandCounter(app);
        var rows = (await app.GetAsync("/admin/analytics", admin.Token)).ShouldSucceed().GetArrayLength();

        rows.ShouldBeGreaterThanOrEqualTo(3);
        counter.Count.ShouldBe(1, string.Join("\n----\n", counter.Commands));
    }
}
