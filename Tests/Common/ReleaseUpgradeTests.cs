using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Realtime;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Common;

/// <summary>
/// The current code started on a database that the previous release (commit 73e3143) wrote: it migrates it at start
/// and serves what the release stored. The data, ids and passwords are those of Tests/Fixtures/Release-2026-11-29/README.md.
/// </summary>
public sealed class ReleaseUpgradeTests(ReleaseUpgradeTests.ReleaseApp app) : IClassFixture<ReleaseUpgradeTests.ReleaseApp>
{
    /// <summary>The app on a copy of the fixture for the suite's provider, restored before the app first starts.</summary>
    public sealed class ReleaseApp : TestApp
    {
        public ReleaseApp()
        {
            var fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Release-2026-11-29");
            Database.Restore(Path.Combine(fixture, "supportchat.db"), Path.Combine(fixture, "supportchat.pgsql"));
        }
    }

    sealed record Ids(
        string Alma, string Ada, string Mo, string Zoe, string Ben, string Cy, string Dee,
        string Eve, string Finn, string Gus, string Hana, string Ida,
        string ClosedByAgent, string ClosedOverHttp, string OpenUnassigned, string OpenAssignedAgent, string Active);

    // Each run of the release gave new ids: one set per fixture file.
    static readonly Ids Id = TestDatabase.IsPostgres
        ? new("6b0d94d6882dcff9599f02f6", "6b0d94d7882dcff9599f02f8", "6b0d94d7882dcff9599f02fa", "6b0d94d7882dcff9599f02fc",
            "6b0d94d7882dcff9599f02fe", "6b0d94d8882dcff9599f0300", "6b0d94d8882dcff9599f0302", "6b0d94d8882dcff9599f0304",
            "6b0d94d9882dcff9599f0306", "6b0d94d9882dcff9599f0308", "6b0d94da882dcff9599f030a", "6b0d94da882dcff9599f030c",
            "6b0d94db882dcff9599f030e", "6b0d94db882dcff9599f0311", "6b0d94db882dcff9599f0316", "6b0d94db882dcff9599f0318",
            "6b0d94db882dcff9599f031b")
        : new("6b0d94bf40a2e7a49a3ad986", "6b0d94c040a2e7a49a3ad988", "6b0d94c040a2e7a49a3ad98a", "6b0d94c040a2e7a49a3ad98c",
            "6b0d94c140a2e7a49a3ad98e", "6b0d94c140a2e7a49a3ad990", "6b0d94c240a2e7a49a3ad992", "6b0d94c240a2e7a49a3ad994",
            "6b0d94c340a2e7a49a3ad996", "6b0d94c340a2e7a49a3ad998", "6b0d94c440a2e7a49a3ad99a", "6b0d94c440a2e7a49a3ad99c",
            "6b0d94c540a2e7a49a3ad99e", "6b0d94c540a2e7a49a3ad9a1", "6b0d94c540a2e7a49a3ad9a6", "6b0d94c540a2e7a49a3ad9a8",
            "6b0d94c540a2e7a49a3ad9ab");

    static readonly string MoPassword = string.Concat(Enumerable.Repeat("mo-long-password-", 6));

    /// <summary>Every user of the fixture: id, name, email as stored, password, role.</summary>
    static readonly (string Id, string Name, string Email, string Password, string Role)[] Users =
    [
        (Id.Alma, "Alma Admin", "alma@release.example.com", "alma-password-1", "admin"),
        (Id.Ada, "Ada Supervisor", "ada@release.example.com", "ada-password-1", "supervisor"),
        (Id.Mo, "Mo Supervisor", "mo@release.example.com", MoPassword, "supervisor"),
        (Id.Zoe, "Zoë Supervisor", "zoe@release.example.com", "zoë-pässwörd-✓", "supervisor"),
        (Id.Ben, "Ben Agent", "ben@release.example.com", "ben-password-1", "agent"),
        (Id.Cy, "Cy Agent", "cy@release.example.com", "cy-password-1", "agent"),
        (Id.Dee, "Dee Agent", "dee@release.example.com", "dee-password-1", "agent"),
        (Id.Eve, "Eve Candidate", "eve@release.example.com", "eve-password-1", "candidate"),
        (Id.Finn, "Finn Candidate", "finn@release.example.com", "finn-password-1", "candidate"),
        (Id.Gus, "Gus Candidate", "gus@release.example.com", "gus-password-1", "candidate"),
        (Id.Hana, "Hana Candidate", "hana@release.example.com", "hana-password-1", "candidate"),
        (Id.Ida, "Ida Candidate", "ida@release.example.com", "ida-password-1", "candidate"),
    ];

    static string PasswordOf(string id) => Users.Single(u => u.Id == id).Password;
    static string EmailOf(string id) => Users.Single(u => u.Id == id).Email;

    Task<string> TokenAsync(string userId) => app.LoginAsync(EmailOf(userId), PasswordOf(userId));

    async Task<JsonElement> ConversationAsync(string conversationId) =>
        (await app.GetAsync($"/conversations/{conversationId}", await TokenAsync(Id.Alma))).ShouldSucceed();

    static List<(string SenderId, string SenderRole, string Content)> Messages(JsonElement conversation)
    {
        var messages = conversation.GetProperty("messages").EnumerateArray().ToList();
        var createdAt = messages.Select(m => m.GetProperty("createdAt").GetDateTime()).ToList();
        createdAt.ShouldBe(createdAt.Order().ToList(), "messages come in the order they were sent");
        return messages.Select(m => (m.GetProperty("senderId").GetString()!, m.GetProperty("senderRole").GetString()!, m.GetProperty("content").GetString()!)).ToList();
    }

    static void ShouldBeConversation(JsonElement conversation, string id, string status, string? agentId, string supervisorId, string candidateId)
    {
        conversation.GetProperty("_id").GetString().ShouldBe(id);
        conversation.GetProperty("status").GetString().ShouldBe(status);
        (conversation.GetProperty("agentId").ValueKind == JsonValueKind.Null ? null : conversation.GetProperty("agentId").GetString()).ShouldBe(agentId);
        conversation.GetProperty("supervisorId").GetString().ShouldBe(supervisorId);
        conversation.GetProperty("candidateId").GetString().ShouldBe(candidateId);
    }

    [Fact]
    public async Task The_release_database_is_migrated_to_every_current_migration_at_start()
    {
        var (applied, pending, all) = await app.WithDbAsync(async db => (
            (await db.Database.GetAppliedMigrationsAsync()).ToList(),
            (await db.Database.GetPendingMigrationsAsync()).ToList(),
            db.Database.GetMigrations().ToList()));

        pending.ShouldBeEmpty();
        applied.ShouldBe(all);
        applied.Take(3).ShouldBe(["20261122000000_InitialSchema", "20261122010000_LiveMessages", "20261122020000_ConversationsAutovacuum"]);
    }

    [Fact]
    public async Task Every_release_user_logs_in_with_the_password_they_signed_up_with()
    {
        foreach (var user in Users)
        {
            var token = await app.LoginAsync(user.Email, user.Password);
            var me = (await app.GetAsync("/auth/me", token)).ShouldSucceed();
            me.GetProperty("_id").GetString().ShouldBe(user.Id);
            me.GetProperty("name").GetString().ShouldBe(user.Name);
            me.GetProperty("email").GetString().ShouldBe(user.Email);
            me.GetProperty("role").GetString().ShouldBe(user.Role);
        }
    }

    [Fact]
    public async Task Email_case_at_login_does_not_matter_for_release_users()
    {
        await app.LoginAsync("Hana@Release.Example.COM", "hana-password-1");
    }

    [Fact]
    public async Task A_release_password_longer_than_72_bytes_is_checked_in_full_before_and_after_a_login()
    {
        var wrongTail = MoPassword[..72] + "not-the-rest";

        (await app.PostAsync("/auth/login", new { email = "mo@release.example.com", password = wrongTail }))
            .ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");
        await app.LoginAsync("mo@release.example.com", MoPassword);   // may store a new hash
        (await app.PostAsync("/auth/login", new { email = "mo@release.example.com", password = wrongTail }))
            .ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");
    }

    [Fact]
    public async Task The_conversation_its_agent_closed_returns_its_persisted_messages_in_order()
    {
        var conversation = await ConversationAsync(Id.ClosedByAgent);

        ShouldBeConversation(conversation, Id.ClosedByAgent, "closed", Id.Ben, Id.Ada, Id.Eve);
        Messages(conversation).ShouldBe(
        [
            (Id.Eve, "candidate", "Hello! My order #4711 never arrived 📦"),
            (Id.Ben, "agent", "Sorry to hear that — let me check. Können Sie die Postleitzahl bestätigen?"),
            (Id.Eve, "candidate", "Sure: 10115 Berlin. Ça va prendre longtemps ? 🙏"),
            (Id.Ben, "agent", "Found it: it is at the depot.\nIt ships tomorrow — 明日発送します。"),
            (Id.Eve, "candidate", "  Thanks!! 👍🏽 \"quoted\" & <b>not html</b>  "),
            (Id.Ben, "agent", "You're welcome 😊"),
        ]);
    }

    [Fact]
    public async Task The_conversation_closed_over_http_returns_the_candidates_messages()
    {
        var conversation = await ConversationAsync(Id.ClosedOverHttp);

        ShouldBeConversation(conversation, Id.ClosedOverHttp, "closed", Id.Dee, Id.Zoe, Id.Ida);
        Messages(conversation).ShouldBe([(Id.Ida, "candidate", "Is anyone there?"), (Id.Ida, "candidate", "Ich warte… ⏳")]);
    }

    [Fact]
    public async Task The_active_conversation_returns_its_checkpointed_live_messages()
    {
        var conversation = (await app.GetAsync($"/conversations/{Id.Active}", await TokenAsync(Id.Finn))).ShouldSucceed();

        ShouldBeConversation(conversation, Id.Active, "assigned", Id.Cy, Id.Ada, Id.Finn);
        Messages(conversation).ShouldBe(
        [
            (Id.Finn, "candidate", "Hi, my invoice shows the wrong address"),
            (Id.Cy, "agent", "Hi Finn! Which invoice number?"),
            (Id.Finn, "candidate", "INV-2026-0042 ✉️"),
            (Id.Cy, "agent", "Thanks, looking into it…"),
            (Id.Finn, "candidate", "Straße should be \"Hauptstraße 5\", not \"Hauptstrasse 5\""),
            (Id.Cy, "agent", "Noted 👍 I'll send a corrected one."),
            (Id.Finn, "candidate", "🎉🎉🎉"),
        ]);
    }

    [Fact]
    public async Task The_open_conversations_keep_their_agent_and_live_messages()
    {
        var unassigned = await ConversationAsync(Id.OpenUnassigned);
        ShouldBeConversation(unassigned, Id.OpenUnassigned, "open", null, Id.Ada, Id.Gus);
        Messages(unassigned).ShouldBe([(Id.Gus, "candidate", "Anyone? 👀")]);

        var assigned = await ConversationAsync(Id.OpenAssignedAgent);
        ShouldBeConversation(assigned, Id.OpenAssignedAgent, "open", Id.Dee, Id.Zoe, Id.Hana);
        Messages(assigned).ShouldBeEmpty();
    }

    /// <summary>Part 2's fields on conversations the release wrote: priority normal, no subject, figures computed from what was stored.</summary>
    [Theory]
    [InlineData("closedByAgent", 6, "You're welcome 😊", 3, 3)]
    [InlineData("closedOverHttp", 2, "Ich warte… ⏳", 0, 2)]
    [InlineData("openUnassigned", 1, "Anyone? 👀", 0, 1)]
    [InlineData("openAssignedAgent", 0, null, 0, 0)]
    [InlineData("active", 7, "🎉🎉🎉", 3, 4)]
    public async Task Release_conversations_get_priority_normal_and_computed_counts(string key, int count, string? preview, int unreadByCandidate, int unreadByAgent)
    {
        var id = key switch
        {
            "closedByAgent" => Id.ClosedByAgent,
            "closedOverHttp" => Id.ClosedOverHttp,
            "openUnassigned" => Id.OpenUnassigned,
            "openAssignedAgent" => Id.OpenAssignedAgent,
            _ => Id.Active,
        };
        var conversation = await ConversationAsync(id);

        conversation.GetProperty("priority").GetString().ShouldBe("normal");
        conversation.GetProperty("subject").ValueKind.ShouldBe(JsonValueKind.Null);
        conversation.GetProperty("messageCount").GetInt32().ShouldBe(count);
        (conversation.GetProperty("lastMessagePreview").ValueKind == JsonValueKind.Null ? null : conversation.GetProperty("lastMessagePreview").GetString())
            .ShouldBe(preview);
        (conversation.GetProperty("unreadByCandidate").GetInt32(), conversation.GetProperty("unreadByAgent").GetInt32()).ShouldBe((unreadByCandidate, unreadByAgent));
        var messages = conversation.GetProperty("messages").EnumerateArray().ToList();
        messages.Select(m => m.GetProperty("seq").GetInt32()).ShouldBe(Enumerable.Range(1, count));
        if (count > 0) conversation.GetProperty("lastMessageAt").GetString().ShouldBe(messages[^1].GetProperty("createdAt").GetString());
        else conversation.GetProperty("lastMessageAt").ValueKind.ShouldBe(JsonValueKind.Null);
        conversation.GetProperty("createdAt").GetDateTime().Year.ShouldBe(2026);
        (conversation.GetProperty("closedAt").ValueKind == JsonValueKind.String).ShouldBe(conversation.GetProperty("status").GetString() == "closed");
        var page = (await app.GetAsync($"/conversations/{id}/messages?limit=2", await TokenAsync(Id.Alma))).ShouldSucceed();
        page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("seq").GetInt32()).ShouldBe(Enumerable.Range(Math.Max(1, count - 1), Math.Min(2, count)));
        page.GetProperty("hasMore").GetBoolean().ShouldBe(count > 2);
    }

    [Fact]
    public async Task Release_conversations_are_in_the_inboxes_and_take_part_2_changes()
    {
        var ada = await TokenAsync(Id.Ada);
        var inbox = (await app.GetAsync("/conversations", ada)).ShouldSucceed().GetProperty("items").EnumerateArray()
            .Select(c => c.GetProperty("_id").GetString()).ToList();
        inbox.ShouldBe([Id.Active, Id.OpenUnassigned, Id.ClosedByAgent]);
        (await app.GetAsync("/conversations?status=closed&priority=normal", await TokenAsync(Id.Alma))).ShouldSucceed().GetProperty("items").EnumerateArray()
            .Select(c => c.GetProperty("_id").GetString()).ShouldBe([Id.ClosedOverHttp, Id.ClosedByAgent], ignoreOrder: true);

        // Tests of a class run one at a time: a change undone before the end is seen by no other test.
        var alma = await TokenAsync(Id.Alma);
        (await app.PatchAsync($"/conversations/{Id.Active}", new { priority = "urgent" }, alma)).ShouldSucceed().GetProperty("messageCount").GetInt32().ShouldBe(7);
        (await app.GetAsync("/conversations?priority=urgent", ada)).ShouldSucceed().GetProperty("items").EnumerateArray()
            .Select(c => c.GetProperty("_id").GetString()).ShouldBe([Id.Active]);
        (await app.PatchAsync($"/conversations/{Id.Active}", new { priority = "normal" }, alma)).ShouldSucceed();
    }

    [Fact]
    public async Task Analytics_counts_what_the_release_stored()
    {
        var rows = (await app.GetAsync("/admin/analytics", await TokenAsync(Id.Alma))).ShouldSucceed().EnumerateArray()
            .Select(r => (SupervisorId: r.GetProperty("supervisorId").GetString()!, r.GetProperty("supervisorName").GetString()!,
                r.GetProperty("agents").GetInt32(), r.GetProperty("conversationsHandled").GetInt32()))
            .ToList();

        // Only the release's supervisors: users the test harness signs up itself are not part of the fixture.
        rows.Where(r => Users.Any(u => u.Id == r.SupervisorId)).ShouldBe(
            [(Id.Ada, "Ada Supervisor", 2, 1), (Id.Mo, "Mo Supervisor", 0, 0), (Id.Zoe, "Zoë Supervisor", 1, 1)]);
    }

    [Fact]
    public async Task Migrating_the_upgraded_database_again_changes_nothing()
    {
        var before = await app.WithDbAsync(CountRowsAsync);

        await app.WithDbAsync(async db => { await db.Database.MigrateAsync(); return 0; });

        (await app.WithDbAsync(CountRowsAsync)).ShouldBe(before);
        // The Redis engine moves the journal's live messages into Redis at start (ScaleoutBridge), leaving the journal empty.
        before.ShouldBe((Users.Length, 5, 8, app.Rooms().UsesRedis ? 0 : 8));
        (await app.WithDbAsync(async db => (await db.Database.GetPendingMigrationsAsync()).Count())).ShouldBe(0);
        Messages(await ConversationAsync(Id.Active)).Count.ShouldBe(7);
    }

    /// <summary>Rows per table; for live messages, the messages in the transcript journal's payloads.</summary>
    static async Task<(int Users, int Conversations, int Messages, int LiveMessages)> CountRowsAsync(SupportChatDb db) => (
        await db.Users.CountAsync(u => u.Email.EndsWith("@release.example.com")), await db.Conversations.CountAsync(),
        await db.Messages.CountAsync(),
        (await db.TranscriptJournal.Select(e => e.Payload).ToListAsync()).SelectMany(TranscriptJournal.Decode).Sum(run => run.Messages.Count));

    /// <summary>
    /// The release stored ASP.NET Core Identity PBKDF2 hashes ("AQAAAAIAAYagAAAA…"); a successful login, the one moment
    /// the password is known, is when such a hash is replaced by bcrypt.
    /// </summary>
    [Fact]
    public async Task Login_replaces_a_release_pbkdf2_hash_with_bcrypt()
    {
        await app.LoginAsync("eve@release.example.com", "eve-password-1");

        var eve = ObjectId.Parse(Id.Eve);
        var hash = await app.WithDbAsync(db => db.Users.Where(u => u.Id == eve).Select(u => u.PasswordHash).SingleAsync());
        hash.ShouldStartWith("$bcrypt-sha384$$2b$");
    }
}
