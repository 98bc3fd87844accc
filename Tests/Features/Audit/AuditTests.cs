using System.Buffers.Binary;
using System.Buffers.Text;
using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Features.Audit;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.Audit;

/// <summary>CONTRACT.md Part 2 "Audit": what each action records, that only committed changes are recorded, and GET /admin/audit.</summary>
public sealed class AuditTests(TestApp app) : IClassFixture<TestApp>
{
    static readonly string[] WireFields = ["_id", "at", "actorId", "actorRole", "action", "conversationId", "targetUserId", "details"];

    Task<ApiResponse> AuditAsync(string query, string? token = null) => app.GetAsync($"/admin/audit?{query}", token ?? app.Admin.Token);

    async Task<List<JsonElement>> ItemsAsync(string query) =>
        [.. (await AuditAsync(query)).ShouldSucceed().GetProperty("items").EnumerateArray()];

    /// <summary>Every event matching <paramref name="query"/>, all pages followed.</summary>
    async Task<List<JsonElement>> AllAsync(string query, int limit = 200)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = (await AuditAsync($"{query}&limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}"))).ShouldSucceed();
            items.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        return items;
    }

    static JsonElement Single(List<JsonElement> items, string because = "")
    {
        items.Count.ShouldBe(1, $"{because}: {string.Join('\n', items)}");
        return items[0];
    }

    /// <summary>The exact wire shape: every field present, in order, absent values null.</summary>
    static void ShouldBeEvent(JsonElement item, string action, string? actorId, string? actorRole, string? conversationId, string? targetUserId,
        DateTime notBefore, DateTime notAfter)
    {
        item.EnumerateObject().Select(p => p.Name).ShouldBe(WireFields);
        item.GetProperty("_id").GetString()!.ShouldMatch("^[0-9a-f]{24}$");
        item.GetProperty("action").GetString().ShouldBe(action);
        Text(item, "actorId").ShouldBe(actorId);
        Text(item, "actorRole").ShouldBe(actorRole);
        Text(item, "conversationId").ShouldBe(conversationId);
        Text(item, "targetUserId").ShouldBe(targetUserId);
        var at = item.GetProperty("at").GetString()!;
        at.ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
        DateTime.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)
            .ShouldBeInRange(notBefore.AddMilliseconds(-1), notAfter);
    }

    static string? Text(JsonElement item, string name) => item.GetProperty(name).ValueKind == JsonValueKind.Null ? null : item.GetProperty(name).GetString();

    static void ShouldHaveNoDetails(JsonElement item) => item.GetProperty("details").ValueKind.ShouldBe(JsonValueKind.Null);

    // ---- what each action records ----

    [Fact]
    public async Task A_signup_is_recorded_with_the_new_user_as_actor_and_target()
    {
        var before = DateTime.UtcNow;
        var (supervisor, agent) = await app.NewTeamAsync();
        var after = DateTime.UtcNow;

        foreach (var user in new[] { supervisor, agent })
        {
            var item = Single(await ItemsAsync($"actorId={user.Id}"), user.Role);
            ShouldBeEvent(item, "user.signed_up", user.Id, user.Role, null, user.Id, before, after);
            ShouldHaveNoDetails(item);
        }
    }

    [Fact]
    public async Task Creating_a_conversation_is_recorded_with_the_candidate_as_actor()
    {
        var before = DateTime.UtcNow;
        var conversation = await app.NewConversationAsync();
        var after = DateTime.UtcNow;

        var item = Single(await ItemsAsync($"conversationId={conversation.Id}"));
        ShouldBeEvent(item, "conversation.created", conversation.Candidate.Id, "candidate", conversation.Id, null, before, after);
        ShouldHaveNoDetails(item);
    }

    [Fact]
    public async Task Assignments_record_the_new_and_the_previous_agent_and_reassigning_the_same_agent_records_nothing()
    {
        var chat = await app.OpenConversationAsync();
        var secondAgent = await app.NewUserAsync("agent", chat.Supervisor.Id);
        var conversation = new TestConversation(chat.Id, chat.Candidate, chat.Supervisor);

        var before = DateTime.UtcNow;
        await app.AssignAgentAsync(conversation, chat.Agent);
        var between = DateTime.UtcNow;
        await app.AssignAgentAsync(conversation, secondAgent);
        var after = DateTime.UtcNow;
        await app.AssignAgentAsync(conversation, secondAgent);   // a harmless 200 that changes nothing

        var items = await ItemsAsync($"conversationId={chat.Id}&action=conversation.assigned");
        items.Count.ShouldBe(2, string.Join('\n', items));
        ShouldBeEvent(items[1], "conversation.assigned", chat.Supervisor.Id, "supervisor", chat.Id, chat.Agent.Id, before, between);
        items[1].GetProperty("details").GetRawText().ShouldBe($$"""{"agentId":"{{chat.Agent.Id}}","previousAgentId":null}""");
        ShouldBeEvent(items[0], "conversation.assigned", chat.Supervisor.Id, "supervisor", chat.Id, secondAgent.Id, between, after);
        items[0].GetProperty("details").GetRawText().ShouldBe($$"""{"agentId":"{{secondAgent.Id}}","previousAgentId":"{{chat.Agent.Id}}"}""");
    }

    [Fact]
    public async Task Simultaneous_reassignments_record_a_chain_in_which_each_previous_agent_is_the_one_really_replaced()
    {
        var chat = await app.OpenConversationAsync();
        var agents = new[] { chat.Agent, await app.NewUserAsync("agent", chat.Supervisor.Id), await app.NewUserAsync("agent", chat.Supervisor.Id) };

        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            app.PostAsync($"/conversations/{chat.Id}/assign", new { agentId = agents[i % 3].Id }, chat.Supervisor.Token)));

        attempts.ShouldAllBe(a => a.Status == HttpStatusCode.OK);
        var chain = (await AllAsync($"conversationId={chat.Id}&action=conversation.assigned")).AsEnumerable().Reverse()
            .Select(i => (Agent: i.GetProperty("details").GetProperty("agentId").GetString(), Previous: Text(i.GetProperty("details"), "previousAgentId")))
            .ToList();
        chain.Count.ShouldBeInRange(1, 12);
        chain[0].Previous.ShouldBeNull();
        for (var i = 1; i < chain.Count; i++)
        {
            chain[i].Previous.ShouldBe(chain[i - 1].Agent, $"event {i}");
            chain[i].Agent.ShouldNotBe(chain[i].Previous);
        }
        var current = (await app.GetAsync($"/conversations/{chat.Id}", chat.Supervisor.Token)).ShouldSucceed().GetProperty("agentId").GetString();
        chain[^1].Agent.ShouldBe(current);
    }

    [Fact]
    public async Task Only_the_agents_first_join_is_recorded()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);

        await candidate.JoinAsync(chat.Id);
        var before = DateTime.UtcNow;
        (await agent.JoinAsync(chat.Id)).Data.GetProperty("status").GetString().ShouldBe("assigned");
        var after = DateTime.UtcNow;
        await agent.JoinAsync(chat.Id);
        await using var agentTab = await app.ConnectAsync(chat.Agent);
        await agentTab.JoinAsync(chat.Id);

        var item = Single(await ItemsAsync($"conversationId={chat.Id}&action=conversation.agent_joined"));
        ShouldBeEvent(item, "conversation.agent_joined", chat.Agent.Id, "agent", chat.Id, null, before, after);
        ShouldHaveNoDetails(item);
    }

    [Theory]
    [InlineData("supervisor")]
    [InlineData("admin")]
    public async Task An_http_close_records_via_http_the_message_count_and_who_closed(string closer)
    {
        var chat = await app.OpenConversationAsync();
        await using (var candidate = await app.ConnectAsync(chat.Candidate))
        {
            await candidate.JoinAsync(chat.Id);
            foreach (var content in new[] { "hello?", "anyone there?" })
                await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content });
            await candidate.SendAsync("LEAVE_CONVERSATION", new { conversationId = chat.Id });
            await candidate.ExpectAsync("LEFT_CONVERSATION");   // frames are handled in order, so both messages are in
        }
        var (closerId, closerToken) = closer == "admin" ? (app.Admin.Id, app.Admin.Token) : (chat.Supervisor.Id, chat.Supervisor.Token);

        var before = DateTime.UtcNow;
        (await app.PostAsync($"/conversations/{chat.Id}/close", null, closerToken)).ShouldSucceed();
        var after = DateTime.UtcNow;

        var item = Single(await ItemsAsync($"conversationId={chat.Id}&action=conversation.closed"));
        ShouldBeEvent(item, "conversation.closed", closerId, closer, chat.Id, null, before, after);
        item.GetProperty("details").GetRawText().ShouldBe("""{"via":"http","messageCount":2}""");
    }

    [Fact]
    public async Task A_socket_close_records_via_ws_the_message_count_and_the_agent()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);
        foreach (var (from, to) in new[] { (candidate, agent), (agent, candidate), (candidate, agent) })
        {
            await from.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "a line" });
            await to.ExpectAsync("NEW_MESSAGE");
        }

        var before = DateTime.UtcNow;
        await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
        await candidate.ExpectAsync("CONVERSATION_CLOSED");   // told after the commit
        var after = DateTime.UtcNow;

        var item = Single(await ItemsAsync($"conversationId={chat.Id}&action=conversation.closed"));
        ShouldBeEvent(item, "conversation.closed", chat.Agent.Id, "agent", chat.Id, null, before, after);
        item.GetProperty("details").GetRawText().ShouldBe("""{"via":"ws","messageCount":3}""");
    }

    [Fact]
    public async Task A_failed_login_is_recorded_with_the_account_the_email_belongs_to_and_nobody_as_actor()
    {
        var user = await app.NewUserAsync("candidate");

        var before = DateTime.UtcNow;
        (await app.PostAsync("/auth/login", new { email = user.Email.ToUpperInvariant(), password = "not-the-password" }))
            .ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");
        var between = DateTime.UtcNow;
        (await app.PostAsync("/auth/login", new { email = ApiClient.NewEmail(), password = user.Password }))
            .ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");
        var after = DateTime.UtcNow;

        var items = await ItemsAsync($"action=auth.login_failed&from={Iso(before.AddMilliseconds(-1))}");
        items.Count.ShouldBe(2, string.Join('\n', items));
        ShouldBeEvent(items[1], "auth.login_failed", null, null, null, user.Id, before, between);
        ShouldBeEvent(items[0], "auth.login_failed", null, null, null, null, between, after);
        ShouldHaveNoDetails(items[0]);
        ShouldHaveNoDetails(items[1]);
    }

    [Fact]
    public async Task A_successful_login_records_nothing()
    {
        var user = await app.NewUserAsync("candidate");
        var before = await EventCountAsync();

        await app.LoginAsync(user.Email);

        (await EventCountAsync()).ShouldBe(before);
    }

    // ---- a failed change leaves no event ----

    [Fact]
    public async Task Of_25_simultaneous_creates_only_the_one_that_committed_is_recorded()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var candidate = await app.NewUserAsync("candidate");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ =>
            app.PostAsync("/conversations", new { supervisorId = supervisor.Id }, candidate.Token)));

        var created = Single([.. attempts.Where(a => a.Status == HttpStatusCode.Created).Select(a => a.Data)], "201s");
        attempts.Where(a => a.Status != HttpStatusCode.Created)
            .ShouldAllBe(a => a.Status == HttpStatusCode.Conflict && a.Error == "Candidate already has an active conversation");
        var item = Single(await ItemsAsync($"actorId={candidate.Id}&action=conversation.created"));
        Text(item, "conversationId").ShouldBe(created.GetProperty("_id").GetString());
    }

    [Fact]
    public async Task Of_simultaneous_signups_with_one_email_only_the_one_that_committed_is_recorded()
    {
        var email = ApiClient.NewEmail();
        var from = Iso(DateTime.UtcNow.AddMilliseconds(-1));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            app.PostAsync("/auth/signup", new { name = $"Racer {i}", email = i % 2 == 0 ? email : email.ToUpperInvariant(), password = "secret123", role = "candidate" })));

        var created = Single([.. attempts.Where(a => a.Status == HttpStatusCode.Created).Select(a => a.Data)], "201s");
        var item = Single(await ItemsAsync($"action=user.signed_up&from={from}"));
        Text(item, "targetUserId").ShouldBe(created.GetProperty("_id").GetString());
    }

    [Fact]
    public async Task Refused_assignments_record_nothing()
    {
        var chat = await app.OpenConversationAsync();
        var (otherSupervisor, otherAgent) = await app.NewTeamAsync();
        var candidateUser = await app.NewUserAsync("candidate");
        var path = $"/conversations/{chat.Id}/assign";

        (await app.PostAsync(path, new { agentId = otherAgent.Id }, chat.Supervisor.Token)).ShouldFail(HttpStatusCode.Forbidden, "Agent doesn't belong to you");
        (await app.PostAsync(path, new { agentId = candidateUser.Id }, chat.Supervisor.Token)).ShouldFail(HttpStatusCode.NotFound, "Agent not found");
        (await app.PostAsync(path, new { agentId = otherAgent.Id }, otherSupervisor.Token)).ShouldFail(HttpStatusCode.Forbidden, "cannot assign agent");
        (await app.PostAsync($"/conversations/{chat.Id}/close", null, chat.Supervisor.Token)).ShouldSucceed();
        (await app.PostAsync(path, new { agentId = chat.Agent.Id }, chat.Supervisor.Token)).ShouldFail(HttpStatusCode.Forbidden, "cannot assign agent");

        (await ItemsAsync($"conversationId={chat.Id}")).Select(i => i.GetProperty("action").GetString())
            .ShouldBe(["conversation.closed", "conversation.created"]);
    }

    [Fact]
    public async Task Of_simultaneous_closes_only_the_one_that_committed_is_recorded_and_a_refused_close_records_nothing()
    {
        var open = await app.OpenConversationAsync();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            app.PostAsync($"/conversations/{open.Id}/close", null, open.Supervisor.Token)));
        attempts.Count(a => a.Status == HttpStatusCode.OK).ShouldBe(1);
        Single(await ItemsAsync($"conversationId={open.Id}&action=conversation.closed"));

        var assigned = await app.AssignedConversationAsync();
        await using var agent = await app.ConnectAsync(assigned.Agent);
        await agent.JoinAsync(assigned.Id);
        (await app.PostAsync($"/conversations/{assigned.Id}/close", null, assigned.Supervisor.Token))
            .ShouldFail(HttpStatusCode.BadRequest, "Conversation is not open");
        (await ItemsAsync($"conversationId={assigned.Id}&action=conversation.closed")).ShouldBeEmpty();
    }

    // ---- paging ----

    [Fact]
    public async Task Pages_are_newest_first_and_neither_repeat_nor_skip_while_new_events_are_written()
    {
        for (var i = 0; i < 30; i++) await FailLoginAsync();
        var existing = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking()
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => e.Id.ToString()).ToListAsync());

        var seen = new List<string>();
        var written = 0;
        string? cursor = null;
        do
        {
            // Each page is read while an event is being written, and another is written before the next page.
            var reading = AuditAsync("limit=7" + (cursor is null ? "" : $"&cursor={cursor}"));
            await Task.WhenAll(reading, FailLoginAsync(), app.NewUserAsync("candidate"));
            written += 2;
            var page = (await reading).ShouldSucceed();
            var items = page.GetProperty("items").EnumerateArray().ToList();
            items.Count.ShouldBeInRange(1, 7);
            seen.AddRange(items.Select(i => i.GetProperty("_id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);

        seen.Count.ShouldBe(seen.Distinct().Count(), "an event was repeated");
        written.ShouldBeGreaterThan(existing.Count / 7);
        // The first page may already show events written while it was read; every later one is older than all of those.
        seen.Where(existing.Contains).ShouldBe(existing, "an event that existed before the first page was skipped or out of order");
        seen.Skip(7).ShouldAllBe(id => existing.Contains(id));
    }

    [Fact]
    public async Task Pages_follow_the_filter_and_the_last_has_no_cursor()
    {
        var user = await app.NewUserAsync("candidate");
        for (var i = 0; i < 5; i++)
            (await app.PostAsync("/auth/login", new { email = user.Email, password = $"wrong {i}" })).Status.ShouldBe(HttpStatusCode.Unauthorized);
        var from = (await ItemsAsync($"actorId={user.Id}"))[0].GetProperty("at").GetString()!;

        var first = (await AuditAsync($"action=auth.login_failed&from={from}&limit=2")).ShouldSucceed();
        var second = (await AuditAsync($"action=auth.login_failed&from={from}&limit=2&cursor={first.GetProperty("nextCursor").GetString()}")).ShouldSucceed();
        var third = (await AuditAsync($"action=auth.login_failed&from={from}&limit=2&cursor={second.GetProperty("nextCursor").GetString()}")).ShouldSucceed();

        var all = new[] { first, second, third }.SelectMany(p => p.GetProperty("items").EnumerateArray()).ToList();
        all.Count.ShouldBe(5);
        all.ShouldAllBe(i => i.GetProperty("action").GetString() == "auth.login_failed" && i.GetProperty("targetUserId").GetString() == user.Id);
        third.GetProperty("nextCursor").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Without_limit_a_page_has_50_events_and_limit_200_is_allowed()
    {
        while (await EventCountAsync() < 210) await FailLoginAsync();

        var standard = (await AuditAsync("")).ShouldSucceed();
        standard.GetProperty("items").GetArrayLength().ShouldBe(50);
        standard.GetProperty("nextCursor").GetString().ShouldNotBeNullOrEmpty();
        (await AuditAsync("limit=200")).ShouldSucceed().GetProperty("items").GetArrayLength().ShouldBe(200);
        (await AuditAsync("limit=1")).ShouldSucceed().GetProperty("items").GetArrayLength().ShouldBe(1);
    }

    // ---- filters ----

    [Fact]
    public async Task Each_filter_narrows_the_trail_and_they_combine_with_and()
    {
        var chat = await app.AssignedConversationAsync();
        await using (var agent = await app.ConnectAsync(chat.Agent)) await agent.JoinAsync(chat.Id);

        (await AllAsync("action=conversation.assigned")).ShouldAllBe(i => i.GetProperty("action").GetString() == "conversation.assigned");
        (await AllAsync($"actorId={chat.Supervisor.Id}")).Select(i => i.GetProperty("action").GetString())
            .ShouldBe(["conversation.assigned", "user.signed_up"]);
        (await AllAsync($"conversationId={chat.Id}")).Select(i => i.GetProperty("action").GetString())
            .ShouldBe(["conversation.agent_joined", "conversation.assigned", "conversation.created"]);
        (await AllAsync($"conversationId={chat.Id}&actorId={chat.Agent.Id}")).Select(i => i.GetProperty("action").GetString())
            .ShouldBe(["conversation.agent_joined"]);
        (await AllAsync($"conversationId={chat.Id}&action=conversation.created&actorId={chat.Candidate.Id}")).Count.ShouldBe(1);
        (await AllAsync($"conversationId={chat.Id}&action=conversation.created&actorId={chat.Agent.Id}")).ShouldBeEmpty();
        (await AllAsync("action=conversation.updated")).ShouldBeEmpty();   // a known action that nothing writes yet
        var nobody = ObjectId.NewId();
        var empty = (await AuditAsync($"actorId={nobody}&conversationId={nobody}")).ShouldSucceed();
        empty.GetProperty("items").GetArrayLength().ShouldBe(0);
        empty.GetProperty("nextCursor").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task From_is_inclusive_and_to_exclusive_to_the_microsecond_in_any_time_zone()
    {
        var chat = await app.AssignedConversationAsync();
        var conversationId = ObjectId.Parse(chat.Id);
        var stored = await app.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.ConversationId == conversationId)
            .OrderBy(e => e.At).ToListAsync());
        stored.Select(e => e.Action).ShouldBe(["conversation.created", "conversation.assigned"]);
        var (created, assigned) = (stored[0], stored[1]);
        string Actions(List<JsonElement> items) => string.Join(",", items.Select(i => i.GetProperty("action").GetString()));
        var scope = $"conversationId={chat.Id}";

        Actions(await AllAsync($"{scope}&from={Iso(assigned.At)}")).ShouldBe("conversation.assigned");
        Actions(await AllAsync($"{scope}&to={Iso(assigned.At)}")).ShouldBe("conversation.created");
        Actions(await AllAsync($"{scope}&from={Iso(created.At)}&to={Iso(assigned.At)}")).ShouldBe("conversation.created");
        Actions(await AllAsync($"{scope}&from={Iso(created.At.AddTicks(10))}")).ShouldBe("conversation.assigned");
        Actions(await AllAsync($"{scope}&to={Iso(assigned.At.AddTicks(10))}")).ShouldBe("conversation.assigned,conversation.created");
        Actions(await AllAsync($"{scope}&from={Iso(assigned.At)}&to={Iso(assigned.At)}")).ShouldBe("");
        // The same instant written in another zone, and a date alone for its midnight UTC.
        var plusTwo = new DateTimeOffset(assigned.At).ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
        Actions(await AllAsync($"{scope}&from={Uri.EscapeDataString(plusTwo)}")).ShouldBe("conversation.assigned");
        Actions(await AllAsync($"{scope}&from={created.At:yyyy-MM-dd}")).ShouldBe("conversation.assigned,conversation.created");
        Actions(await AllAsync($"{scope}&to={created.At:yyyy-MM-dd}")).ShouldBe("");
    }

    // ---- malformed parameters ----

    [Theory]
    [InlineData("action=user.deleted")]
    [InlineData("action=USER.SIGNED_UP")]
    [InlineData("action=")]
    [InlineData("actorId=123")]
    [InlineData("actorId=6740c0de5d1a2b3c4d00000z")]
    [InlineData("actorId=")]
    [InlineData("conversationId=6740c0de5d1a2b3c4d0000011")]
    [InlineData("from=yesterday")]
    [InlineData("from=2026-11-22T10:30:00")]
    [InlineData("from=2026-11-22T10:30:00.000")]
    [InlineData("from=2026-13-01")]
    [InlineData("to=22/11/2026")]
    [InlineData("to=2026-11-22T25:00:00Z")]
    [InlineData("to=")]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("limit=-1")]
    [InlineData("limit=abc")]
    [InlineData("limit=1.5")]
    [InlineData("limit=")]
    [InlineData("cursor=abc")]
    [InlineData("cursor=")]
    [InlineData("cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_malformed_parameter_is_400(string query)
    {
        (await AuditAsync(query)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Fact]
    public async Task A_cursor_the_server_did_not_issue_is_400()
    {
        while (await EventCountAsync() < 3) await FailLoginAsync();
        var cursor = (await AuditAsync("limit=1")).ShouldSucceed().GetProperty("nextCursor").GetString()!;
        (await AuditAsync($"limit=1&cursor={cursor}")).ShouldSucceed();

        var bytes = Base64Url.DecodeFromChars(cursor);
        var forged = new List<string>();
        for (var i = 0; i < bytes.Length; i++)
        {
            var altered = bytes.ToArray();
            altered[i] ^= 0x01;
            forged.Add(Base64Url.EncodeToString(altered));
        }
        // The position a client could compute itself (time and id of an event it saw), with a tag of its own making.
        var position = Base64Url.DecodeFromChars(cursor)[..20];
        forged.Add(Base64Url.EncodeToString([.. position, .. new byte[16]]));
        forged.Add(Base64Url.EncodeToString(position));
        forged.Add(cursor + "A");
        forged.Add(cursor[..^1]);
        forged.Add(cursor + "==");
        // Issued with another secret: what a cursor from another deployment looks like.
        var otherSecret = JwtSettings.Load(new ConfigurationBuilder()
            .AddInMemoryCollection([new("Jwt:Secret", "another-secret-that-is-long-enough-for-hmac")]).Build(), out _)!;
        var at = new DateTime(BinaryPrimitives.ReadInt64BigEndian(position), DateTimeKind.Utc);
        forged.Add(AuditCursor.Write(otherSecret, new AuditPosition(at, ObjectId.Parse(Convert.ToHexStringLower(position[8..])))));

        foreach (var attempt in forged)
            (await AuditAsync($"limit=1&cursor={Uri.EscapeDataString(attempt)}")).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    // ---- who may read it ----

    [Fact]
    public async Task Without_a_token_it_is_401_and_for_every_role_but_admin_403()
    {
        (await app.GetAsync("/admin/audit")).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        foreach (var user in new[] { app.Supervisor, app.Agent, app.Candidate })
            (await AuditAsync("", user.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
        // Roles come before the schema, as on every route.
        (await AuditAsync("limit=0", app.Candidate.Token)).ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
        (await app.GetAsync("/admin/audit?limit=0")).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
    }

    // ---- what never goes in ----

    [Fact]
    public async Task No_event_holds_an_email_a_password_a_token_or_message_content()
    {
        var secret = $"content-{Guid.NewGuid():N}";
        var wrongPassword = $"wrong-{Guid.NewGuid():N}";
        var unknownEmail = ApiClient.NewEmail("nobody");
        var chat = await app.AssignedConversationAsync();
        await using (var candidate = await app.ConnectAsync(chat.Candidate))
        await using (var agent = await app.ConnectAsync(chat.Agent))
        {
            await candidate.JoinAsync(chat.Id);
            await agent.JoinAsync(chat.Id);
            await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = secret });
            await agent.ExpectAsync("NEW_MESSAGE");
            await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = secret + " reply" });
            await candidate.ExpectAsync("NEW_MESSAGE");
            await agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = chat.Id });
            await candidate.ExpectAsync("CONVERSATION_CLOSED");
        }
        (await app.PostAsync("/auth/login", new { email = chat.Candidate.Email, password = wrongPassword })).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await app.PostAsync("/auth/login", new { email = unknownEmail, password = wrongPassword })).Status.ShouldBe(HttpStatusCode.Unauthorized);

        var table = await WholeTableAsync();
        table.ShouldContain(chat.Id);   // the rows are there: the search below is not vacuous
        table.ShouldContain(chat.Candidate.Id);
        string[] forbidden =
        [
            secret, wrongPassword, ApiClient.Password, unknownEmail, unknownEmail.Split('@')[0],
            chat.Candidate.Email, chat.Agent.Email, chat.Supervisor.Email, chat.Candidate.Email.Split('@')[0],
            chat.Candidate.Token, chat.Agent.Token, chat.Supervisor.Token, app.Admin.Token,
            chat.Candidate.Token.Split('.')[2], "$2a$", "$2b$", "@",
        ];
        foreach (var text in forbidden) table.ShouldNotContain(text, Case.Insensitive);
        // And through the route: every page of the trail, as an admin reads it.
        var served = string.Join('\n', (await AllAsync("")).Select(i => i.GetRawText()));
        foreach (var text in forbidden) served.ShouldNotContain(text, Case.Insensitive);
    }

    // ---- helpers ----

    Task FailLoginAsync() => app.PostAsync("/auth/login", new { email = ApiClient.NewEmail(), password = "wrong" });

    Task<int> EventCountAsync() => app.WithDbAsync(db => db.AuditEvents.CountAsync());

    /// <summary>Every column of every row, as text, read with plain SQL: nothing the entity mapping might leave out.</summary>
    Task<string> WholeTableAsync() => app.WithDbAsync(async db =>
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = """SELECT * FROM "AuditEvents" """;
            await using var reader = await command.ExecuteReaderAsync();
            var text = new StringBuilder();
            while (await reader.ReadAsync())
                for (var i = 0; i < reader.FieldCount; i++)
                    text.Append(reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)).Append('\t');
            return text.ToString();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    });

    static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>The admin that Admin__Email creates at start is recorded too, with nobody as actor.</summary>
public sealed class AuditBootstrapTests(AuditBootstrapTests.App app) : IClassFixture<AuditBootstrapTests.App>
{
    public sealed class App : TestApp
    {
        public const string AdminEmail = "first-admin@example.com";
        public const string AdminPassword = "first-admin-password";

        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("Admin:Email", AdminEmail), new("Admin:Password", AdminPassword)];

        protected override Task SetupAsync() => Task.CompletedTask;
    }

    [Fact]
    public async Task The_configured_admin_is_recorded_as_signed_up_by_nobody()
    {
        var token = await app.LoginAsync(App.AdminEmail, App.AdminPassword);
        var adminId = Tokens.Read(token).GetClaim("userId").Value;

        var items = (await app.GetAsync("/admin/audit", token)).ShouldSucceed().GetProperty("items").EnumerateArray().ToList();

        var item = items.ShouldHaveSingleItem();
        item.GetProperty("action").GetString().ShouldBe("user.signed_up");
        item.GetProperty("targetUserId").GetString().ShouldBe(adminId);
        item.GetProperty("actorId").ValueKind.ShouldBe(JsonValueKind.Null);
        item.GetProperty("actorRole").ValueKind.ShouldBe(JsonValueKind.Null);
        item.GetProperty("details").ValueKind.ShouldBe(JsonValueKind.Null);
    }
}
