using System.Net;
using System.Text.Json;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Features.Audit;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.ListConversations;

/// <summary>CONTRACT.md Part 2 "Routes", GET /conversations: role scope, every filter, order, keyset pages with a verified cursor.</summary>
public sealed class ListConversationsTests(TestApp app) : IClassFixture<TestApp>
{
    Task<ApiResponse> ListAsync(string query, string token) => app.GetAsync($"/conversations?{query}", token);

    async Task<List<string>> IdsAsync(string query, string token) =>
        [.. (await ListAsync(query, token)).ShouldSucceed().GetProperty("items").EnumerateArray().Select(c => c.GetProperty("_id").GetString()!)];

    /// <summary>Every page of <paramref name="query"/>, following nextCursor until it is null.</summary>
    async Task<List<string>> AllPagesAsync(string query, string token, int limit)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = (await ListAsync($"{query}&limit={limit}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"), token)).ShouldSucceed();
            var items = page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("_id").GetString()!).ToList();
            items.Count.ShouldBeLessThanOrEqualTo(limit);
            ids.AddRange(items);
            cursor = page.GetProperty("nextCursor").GetString();
            if (cursor is not null) items.Count.ShouldBe(limit, "only the last page may be short");
        } while (cursor is not null);
        return ids;
    }

    /// <summary>A conversation with <paramref name="supervisor"/>, by a new candidate; returns its id.</summary>
    async Task<string> CreateAsync(TestUser supervisor, string? subject = null, string? priority = null, TestUser? candidate = null)
    {
        candidate ??= await app.NewUserAsync("candidate");
        return (await app.PostAsync("/conversations", new { supervisorId = supervisor.Id, subject, priority }, candidate.Token))
            .ShouldSucceed(HttpStatusCode.Created).GetProperty("_id").GetString()!;
    }

    [Fact]
    public async Task Each_role_sees_its_own_inbox_newest_first()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var otherSupervisor = await app.NewUserAsync("supervisor");
        var candidate = await app.NewUserAsync("candidate");
        var first = await CreateAsync(supervisor, candidate: candidate);
        await app.CloseConversationAsync(new TestConversation(first, candidate, supervisor));
        var second = await CreateAsync(supervisor, candidate: candidate);
        var third = await CreateAsync(supervisor);
        var elsewhere = await CreateAsync(otherSupervisor);
        await app.AssignAgentAsync(new TestConversation(second, candidate, supervisor), agent);

        (await IdsAsync("", candidate.Token)).ShouldBe([second, first]);
        (await IdsAsync("", agent.Token)).ShouldBe([second]);
        (await IdsAsync("", supervisor.Token)).ShouldBe([third, second, first]);
        (await IdsAsync("", otherSupervisor.Token)).ShouldBe([elsewhere]);
        var all = await AllPagesAsync("", app.Admin.Token, 100);
        all.IndexOf(elsewhere).ShouldBeLessThan(all.IndexOf(third));
        all.ShouldContain(first);
        all.Count.ShouldBe(all.Distinct().Count());
    }

    [Fact]
    public async Task An_agent_sees_only_what_is_assigned_to_them_now()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var first = await app.NewUserAsync("agent", supervisor.Id);
        var second = await app.NewUserAsync("agent", supervisor.Id);
        var conversation = await app.NewConversationAsync(supervisor);
        await app.AssignAgentAsync(conversation, first);
        (await IdsAsync("", first.Token)).ShouldBe([conversation.Id]);

        await app.AssignAgentAsync(conversation, second);

        (await IdsAsync("", first.Token)).ShouldBeEmpty();
        (await IdsAsync("", second.Token)).ShouldBe([conversation.Id]);
    }

    [Fact]
    public async Task Items_are_whole_conversation_objects()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var candidate = await app.NewUserAsync("candidate");
        var id = (await app.PostAsync("/conversations", new { supervisorId = supervisor.Id, subject = "Refund", priority = "high", message = "hi there" },
            candidate.Token)).ShouldSucceed(HttpStatusCode.Created).GetProperty("_id").GetString();

        var page = (await ListAsync("", supervisor.Token)).ShouldSucceed();

        page.EnumerateObject().Select(p => p.Name).ShouldBe(["items", "nextCursor"]);
        page.GetProperty("nextCursor").ValueKind.ShouldBe(JsonValueKind.Null);
        var item = page.GetProperty("items").EnumerateArray().Single();
        item.EnumerateObject().Select(p => p.Name).ShouldBe(["_id", "status", "agentId", "supervisorId", "candidateId", "subject", "priority",
            "createdAt", "closedAt", "lastMessageAt", "lastMessagePreview", "messageCount", "unreadByCandidate", "unreadByAgent"]);
        item.GetProperty("_id").GetString().ShouldBe(id);
        item.GetProperty("subject").GetString().ShouldBe("Refund");
        item.GetProperty("priority").GetString().ShouldBe("high");
        item.GetProperty("candidateId").GetString().ShouldBe(candidate.Id);
        item.GetProperty("messageCount").GetInt32().ShouldBe(1);
        item.GetProperty("lastMessagePreview").GetString().ShouldBe("hi there");
        item.GetProperty("unreadByAgent").GetInt32().ShouldBe(1);
        item.GetProperty("unreadByCandidate").GetInt32().ShouldBe(0);
        item.GetProperty("closedAt").ValueKind.ShouldBe(JsonValueKind.Null);
        item.GetProperty("createdAt").GetString()!.ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
    }

    [Fact]
    public async Task A_list_right_after_a_socket_send_already_counts_it()
    {
        await using var chat = await app.JoinedChatAsync();

        await chat.Agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "How can I help?" });
        await chat.Candidate.ExpectAsync("NEW_MESSAGE");

        var item = (await ListAsync("", chat.Chat.Candidate.Token)).ShouldSucceed().GetProperty("items").EnumerateArray().Single();
        item.GetProperty("messageCount").GetInt32().ShouldBe(1);
        item.GetProperty("lastMessagePreview").GetString().ShouldBe("How can I help?");
        item.GetProperty("unreadByCandidate").GetInt32().ShouldBe(1);
        item.GetProperty("unreadByAgent").GetInt32().ShouldBe(0);
        item.GetProperty("status").GetString().ShouldBe("assigned");
    }

    [Fact]
    public async Task Status_and_priority_take_one_value_or_a_comma_separated_list()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var low = await CreateAsync(supervisor, priority: "low");
        var urgent = await CreateAsync(supervisor, priority: "urgent");
        var normal = await CreateAsync(supervisor);
        var candidate = await app.NewUserAsync("candidate");
        var closed = await CreateAsync(supervisor, priority: "urgent", candidate: candidate);
        await app.CloseConversationAsync(new TestConversation(closed, candidate, supervisor));
        var assigned = await CreateAsync(supervisor, priority: "high");
        await app.SetConversationStatusAsync(assigned, "assigned");

        (await IdsAsync("status=open", supervisor.Token)).ShouldBe([normal, urgent, low]);
        (await IdsAsync("status=closed", supervisor.Token)).ShouldBe([closed]);
        (await IdsAsync("status=assigned,closed", supervisor.Token)).ShouldBe([assigned, closed]);
        (await IdsAsync("priority=urgent", supervisor.Token)).ShouldBe([closed, urgent]);
        (await IdsAsync("priority=low,high", supervisor.Token)).ShouldBe([assigned, low]);
        (await IdsAsync("priority=urgent&status=open", supervisor.Token)).ShouldBe([urgent]);
        (await IdsAsync("priority=normal,normal", supervisor.Token)).ShouldBe([normal]);
    }

    [Fact]
    public async Task Candidate_agent_and_supervisor_filters_narrow_the_admins_inbox()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var candidate = await app.NewUserAsync("candidate");
        var mine = await CreateAsync(supervisor, candidate: candidate);
        var other = await CreateAsync(supervisor);
        await app.AssignAgentAsync(new TestConversation(other, candidate, supervisor), agent);

        (await IdsAsync($"supervisorId={supervisor.Id}", app.Admin.Token)).ShouldBe([other, mine]);
        (await IdsAsync($"candidateId={candidate.Id}", app.Admin.Token)).ShouldBe([mine]);
        (await IdsAsync($"agentId={agent.Id}", app.Admin.Token)).ShouldBe([other]);
        (await IdsAsync($"agentId={agent.Id}&candidateId={candidate.Id}", app.Admin.Token)).ShouldBeEmpty();
        (await IdsAsync($"candidateId={candidate.Id.ToUpperInvariant()}", app.Admin.Token)).ShouldBe([mine]);   // ids match case-insensitively
    }

    [Fact]
    public async Task A_filter_outside_the_callers_inbox_gives_an_empty_page_not_403()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        var otherSupervisor = await app.NewUserAsync("supervisor");
        var candidate = await app.NewUserAsync("candidate");
        var theirs = await CreateAsync(otherSupervisor, candidate: candidate);

        (await IdsAsync($"supervisorId={otherSupervisor.Id}", supervisor.Token)).ShouldBeEmpty();
        (await IdsAsync($"candidateId={candidate.Id}", supervisor.Token)).ShouldBeEmpty();
        (await IdsAsync($"candidateId={candidate.Id}", agent.Token)).ShouldBeEmpty();
        (await IdsAsync($"agentId={agent.Id}", candidate.Token)).ShouldBeEmpty();
        (await IdsAsync($"supervisorId={otherSupervisor.Id}", candidate.Token)).ShouldBe([theirs]);
    }

    [Fact]
    public async Task Q_finds_a_substring_of_the_subject_ignoring_case_also_beyond_ascii()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var refund = await CreateAsync(supervisor, subject: "Refund for ORDER #4711");
        var umlaut = await CreateAsync(supervisor, subject: "Über die Lieferung");
        await CreateAsync(supervisor, subject: "Something else");
        await CreateAsync(supervisor);

        (await IdsAsync("q=order", supervisor.Token)).ShouldBe([refund]);
        (await IdsAsync("q=REFUND%20FOR", supervisor.Token)).ShouldBe([refund]);
        (await IdsAsync($"q={Uri.EscapeDataString("über")}", supervisor.Token)).ShouldBe([umlaut]);
        (await IdsAsync($"q={Uri.EscapeDataString("ÜBER")}", supervisor.Token)).ShouldBe([umlaut]);
        (await IdsAsync("q=%25", supervisor.Token)).ShouldBeEmpty();   // a LIKE wildcard is a plain character here
        (await IdsAsync("q=_", supervisor.Token)).ShouldBeEmpty();
        var wildcards = await CreateAsync(supervisor, subject: @"Sale 50%_off at C:\shop");
        (await IdsAsync("q=0%25_o", supervisor.Token)).ShouldBe([wildcards]);
        (await IdsAsync("q=%5Cshop", supervisor.Token)).ShouldBe([wildcards]);
        (await IdsAsync("q=50%25%25", supervisor.Token)).ShouldBeEmpty();
    }

    [Fact]
    public async Task CreatedFrom_is_inclusive_and_createdTo_exclusive()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await CreateAsync(supervisor));
        var createdAt = new List<string>();
        foreach (var id in ids)
            createdAt.Add((await app.GetAsync($"/conversations/{id}", supervisor.Token)).ShouldSucceed().GetProperty("createdAt").GetString()!);
        // Stored to the microsecond, shown to the millisecond: the filters see the stored instant, so query with it.
        var stored = await app.WithDbAsync(async db =>
            ids.Select(id => db.Conversations.Single(c => c.Id == ObjectId.Parse(id)).CreatedAt).ToList());
        string Iso(DateTime t) => Uri.EscapeDataString(t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'"));

        (await IdsAsync($"createdFrom={Iso(stored[1])}", supervisor.Token)).ShouldBe([ids[2], ids[1]]);
        (await IdsAsync($"createdTo={Iso(stored[1])}", supervisor.Token)).ShouldBe([ids[0]]);
        (await IdsAsync($"createdFrom={Iso(stored[1])}&createdTo={Iso(stored[2])}", supervisor.Token)).ShouldBe([ids[1]]);
        (await IdsAsync($"createdFrom={Iso(stored[2].AddTicks(10))}", supervisor.Token)).ShouldBeEmpty();
        (await IdsAsync("createdTo=2000-01-01", supervisor.Token)).ShouldBeEmpty();
        (await IdsAsync($"createdFrom={Uri.EscapeDataString(stored[0].AddHours(2).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff") + "+02:00")}", supervisor.Token))
            .ShouldBe([ids[2], ids[1], ids[0]]);
        createdAt.ShouldAllBe(t => t.EndsWith('Z'));
    }

    [Fact]
    public async Task Pages_follow_the_cursor_without_repeats_or_gaps_and_the_last_has_a_null_cursor()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var created = new List<string>();
        for (var i = 0; i < 7; i++) created.Add(await CreateAsync(supervisor));
        created.Reverse();

        (await AllPagesAsync("", supervisor.Token, 3)).ShouldBe(created);
        (await AllPagesAsync("", supervisor.Token, 7)).ShouldBe(created);
        (await AllPagesAsync("", supervisor.Token, 1)).ShouldBe(created);
        (await IdsAsync("", supervisor.Token)).Count.ShouldBe(7);   // default limit 20
        (await AllPagesAsync("status=open", supervisor.Token, 2)).ShouldBe(created);
    }

    [Fact]
    public async Task Conversations_created_at_the_same_instant_are_ordered_by_id_descending_across_pages()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var at = new DateTime(2026, 11, 20, 12, 0, 0, DateTimeKind.Utc).AddTicks(1230);
        var ids = Enumerable.Range(0, 5).Select(_ => ObjectId.NewId()).ToList();
        await app.WithDbAsync(async db =>
        {
            foreach (var id in ids)
                db.Conversations.Add(new Conversation
                {
                    Id = id, CandidateId = ObjectId.NewId(), SupervisorId = ObjectId.Parse(supervisor.Id), Status = ConversationStatus.Closed, CreatedAt = at,
                });
            return await db.SaveChangesAsync();
        });
        var expected = ids.Select(i => i.ToString()).OrderDescending(StringComparer.Ordinal).ToList();

        (await AllPagesAsync("", supervisor.Token, 2)).ShouldBe(expected);
        (await AllPagesAsync("", supervisor.Token, 1)).ShouldBe(expected);
    }

    [Fact]
    public async Task Pages_neither_repeat_nor_skip_while_new_conversations_are_created()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var existing = new List<string>();
        for (var i = 0; i < 25; i++) existing.Add(await CreateAsync(supervisor));
        existing.Reverse();
        var candidates = new List<TestUser>();
        for (var i = 0; i < 12; i++) candidates.Add(await app.NewUserAsync("candidate"));

        var first = (await ListAsync("limit=4", supervisor.Token)).ShouldSucceed();
        var seen = first.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("_id").GetString()!).ToList();
        var cursor = first.GetProperty("nextCursor").GetString();
        // Creates race the page reads: each page read starts while more conversations are being created.
        var creating = Task.WhenAll(candidates.Select(c => CreateAsync(supervisor, candidate: c)));
        while (cursor is not null)
        {
            var page = (await ListAsync($"limit=4&cursor={Uri.EscapeDataString(cursor)}", supervisor.Token)).ShouldSucceed();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("_id").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        var added = await creating;

        seen.ShouldBe(existing);
        var now = await AllPagesAsync("", supervisor.Token, 5);
        now.Count.ShouldBe(existing.Count + added.Length);
        now.Skip(added.Length).ShouldBe(existing);
    }

    [Theory]
    [InlineData("status=pending")]
    [InlineData("status=")]
    [InlineData("status=open,")]
    [InlineData("status=Open")]
    [InlineData("priority=critical")]
    [InlineData("priority=")]
    [InlineData("priority=low,,high")]
    [InlineData("candidateId=123")]
    [InlineData("agentId=zzzzzzzzzzzzzzzzzzzzzzzz")]
    [InlineData("supervisorId=")]
    [InlineData("q=")]
    [InlineData("q=%00new")]
    [InlineData("q=new%1B")]
    [InlineData("limit=")]
    [InlineData("createdFrom=")]
    [InlineData("createdFrom=2026-13-01")]
    [InlineData("createdFrom=yesterday")]
    [InlineData("createdTo=2026-11-22T10:30:00")]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=ten")]
    [InlineData("cursor=not-a-cursor")]
    [InlineData("cursor=")]
    public async Task A_malformed_parameter_is_400(string query)
    {
        (await ListAsync(query, app.Admin.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Fact]
    public async Task Q_longer_than_100_code_points_is_400_but_100_emoji_are_fine()
    {
        (await ListAsync($"q={new string('a', 101)}", app.Admin.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        (await ListAsync($"q={Uri.EscapeDataString(string.Concat(Enumerable.Repeat("😀", 100)))}", app.Admin.Token)).ShouldSucceed();
        (await ListAsync("limit=100", app.Admin.Token)).ShouldSucceed();
        (await ListAsync("limit=1", app.Admin.Token)).ShouldSucceed();
    }

    [Fact]
    public async Task Only_a_cursor_the_server_issued_for_this_list_is_accepted()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        await CreateAsync(supervisor);
        await CreateAsync(supervisor);
        var cursor = (await ListAsync("limit=1", supervisor.Token)).ShouldSucceed().GetProperty("nextCursor").GetString()!;
        (await ListAsync($"limit=1&cursor={cursor}", supervisor.Token)).ShouldSucceed();

        var tampered = (cursor[5] == 'A' ? 'B' : 'A') is var c ? cursor[..5] + c + cursor[6..] : cursor;
        (await ListAsync($"cursor={tampered}", supervisor.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        // An audit cursor for the same position is the other list's: refused here.
        var jwt = new JwtSettings { SigningKey = new(System.Text.Encoding.UTF8.GetBytes(TestApp.JwtSecret)), Lifetime = TimeSpan.FromDays(1), UserCheckInterval = TimeSpan.Zero };
        var audit = AuditCursor.Write(jwt, new AuditPosition(DateTime.UtcNow, ObjectId.NewId()));
        (await ListAsync($"cursor={audit}", supervisor.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        (await app.GetAsync($"/admin/audit?cursor={cursor}", app.Admin.Token)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Fact]
    public async Task Without_a_token_it_is_401()
    {
        (await app.GetAsync("/conversations")).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
    }
}
