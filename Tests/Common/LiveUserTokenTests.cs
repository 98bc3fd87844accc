using System.Net;
using System.Net.WebSockets;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Common;

/// <summary>CONTRACT.md "Token": a signed token counts only while its user exists and has the role it names.</summary>
public sealed class LiveUserTokenTests(TestApp app) : IClassFixture<TestApp>
{
    /// <summary>Every signed-in route, with the role it admits, so only the missing user can be the reason for a 401.</summary>
    public static TheoryData<string, string, string> SignedInRoutes => new()
    {
        { "GET", "/auth/me", "candidate" },
        { "GET", "/admin/analytics", "admin" },
        { "GET", "/conversations/{id}", "admin" },
        { "POST", "/conversations", "candidate" },
        { "POST", "/conversations/{id}/assign", "supervisor" },
        { "POST", "/conversations/{id}/close", "admin" },
    };

    [Theory]
    [MemberData(nameof(SignedInRoutes))]
    public async Task A_signed_token_of_a_user_who_does_not_exist_is_401_on_every_signed_in_route(string method, string path, string role)
    {
        var conversation = await app.NewConversationAsync();
        var token = Tokens.Forge(ObjectId.NewId().ToString(), role);
        var content = method == "POST" ? System.Net.Http.Json.JsonContent.Create(new { supervisorId = conversation.Supervisor.Id, agentId = ObjectId.NewId().ToString() }) : null;

        (await app.SendAsync(new HttpMethod(method), path.Replace("{id}", conversation.Id), content, token))
            .ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
    }

    [Fact]
    public async Task A_real_users_token_naming_another_role_is_401()
    {
        var conversation = await app.NewConversationAsync();

        (await app.GetAsync("/admin/analytics", Tokens.Forge(conversation.Candidate.Id, "admin")))
            .ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        (await app.GetAsync($"/conversations/{conversation.Id}", Tokens.Forge(app.Agent.Id, "admin")))
            .ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        (await app.GetAsync($"/conversations/{conversation.Id}", Tokens.Forge(conversation.Candidate.Id, "candidate"))).ShouldSucceed();
    }

    [Fact]
    public async Task A_token_naming_several_roles_or_users_is_401_even_when_one_of_them_is_right()
    {
        string[] tokens =
        [
            Tokens.ForgeClaims(new Dictionary<string, object> { ["userId"] = app.Candidate.Id, ["role"] = new[] { "candidate", "admin" } }),
            Tokens.ForgeClaims(new Dictionary<string, object> { ["userId"] = new[] { app.Candidate.Id, app.Admin.Id }, ["role"] = "candidate" }),
        ];
        foreach (var token in tokens)
        {
            (await app.GetAsync("/admin/analytics", token)).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
            (await app.GetAsync("/auth/me", token)).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
            await using var socket = await TestSocket.ConnectAsync(app.SocketUri(token));
            await socket.ExpectErrorAsync("Unauthorized or invalid token");
        }
    }

    [Fact]
    public async Task The_socket_refuses_a_signed_token_of_a_missing_user_or_of_another_role()
    {
        var chat = await app.AssignedConversationAsync();
        foreach (var token in new[] { Tokens.Forge(ObjectId.NewId().ToString(), "candidate"), Tokens.Forge(chat.Candidate.Id, "agent") })
        {
            await using var socket = await TestSocket.ConnectAsync(app.SocketUri(token));
            await socket.ExpectErrorAsync("Unauthorized or invalid token");
            (await socket.ExpectCloseAsync()).ShouldBe(WebSocketCloseStatus.PolicyViolation);
        }
        await using var real = await TestSocket.ConnectAsync(app.SocketUri(Tokens.Forge(chat.Candidate.Id, "candidate")));
        (await real.JoinAsync(chat.Id)).Event.ShouldBe("JOINED_CONVERSATION");
    }

    [Fact]
    public async Task A_user_is_read_once_per_check_interval_not_once_per_request()
    {
        var user = await app.NewUserAsync("admin");
        using var counter = new SqlCommandCounter(app);

        for (var i = 0; i < 20; i++) (await app.GetAsync("/admin/analytics", user.Token)).ShouldSucceed();
        await using (var socket = await app.ConnectAsync(user)) await socket.ShouldReceiveNothingAsync(TimeSpan.FromMilliseconds(50));

        counter.Commands.Count(IsUserCheck).ShouldBe(1, string.Join("\n", counter.Commands));
    }

    internal static bool IsUserCheck(string sql) => sql.Contains("\"Role\"") && !sql.Contains("\"Email\"") && sql.Contains("FROM \"Users\"") && !sql.Contains("\"SupervisorId\"");
}

/// <summary>With <c>Jwt__UserCheckSeconds=0</c> every request asks the database: a deleted user's token stops at once.</summary>
public sealed class UncachedLiveUserTokenTests(UncachedLiveUserTokenTests.App app) : IClassFixture<UncachedLiveUserTokenTests.App>
{
    public sealed class App : TestApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Jwt:UserCheckSeconds", "0")];
    }

    [Fact]
    public async Task A_token_stops_working_as_soon_as_its_user_is_gone()
    {
        var user = await app.NewUserAsync("admin");
        (await app.GetAsync("/admin/analytics", user.Token)).ShouldSucceed();
        var id = ObjectId.Parse(user.Id);

        (await app.WithDbAsync(db => db.Users.Where(u => u.Id == id).ExecuteDeleteAsync())).ShouldBe(1);

        (await app.GetAsync("/admin/analytics", user.Token)).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        await using var socket = await app.ConnectAsync(user);
        await socket.ExpectErrorAsync("Unauthorized or invalid token");
    }
}
