using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Net.WebSockets;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Common;

/// <summary>A deployment that lets one browser origin in.</summary>
public sealed class CorsApp : TestApp
{
    public const string AllowedOrigin = "https://chat.example.com";
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Cors:Origins", AllowedOrigin)];
}

public sealed class CorsTests(CorsApp app) : IClassFixture<CorsApp>
{
    [Theory]
    [InlineData(CorsApp.AllowedOrigin, true)]
    [InlineData("https://evil.example.com", false)]
    public async Task Preflight_allows_only_the_configured_origin(string origin, bool allowed)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/conversations");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var response = await app.Http.SendAsync(request);

        response.Headers.TryGetValues("Access-Control-Allow-Origin", out var origins).ShouldBe(allowed);
        if (allowed) origins!.ShouldBe([origin]);
    }

    [Fact]
    public async Task A_websocket_from_another_origin_is_refused()
    {
        var candidate = await app.NewUserAsync("candidate");
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "https://evil.example.com");
        var refused = await Should.ThrowAsync<WebSocketException>(() => socket.ConnectAsync(app.SocketUri(candidate.Token), default));
        refused.Message.ShouldContain("403");

        var allowed = new ClientWebSocket();
        allowed.Options.SetRequestHeader("Origin", CorsApp.AllowedOrigin);
        await allowed.ConnectAsync(app.SocketUri(candidate.Token), default);
        allowed.State.ShouldBe(WebSocketState.Open);
        allowed.Dispose();
    }
}

public sealed class LoggingTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Logs_name_each_request_and_caller_but_never_passwords_tokens_or_message_contents()
    {
        const string password = "correct-horse-battery-staple";
        const string secretContent = "my card number is 4111-1111-1111-1111";
        var email = ApiClient.NewEmail();
        (await app.PostAsync("/auth/signup", new { name = "Logged", email, password, role = "candidate" })).ShouldSucceed(HttpStatusCode.Created);
        (await app.PostAsync("/auth/login", new { email, password = "a-wrong-password" })).ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");
        var token = await app.LoginAsync(email, password);
        (await app.GetAsync("/auth/me", token)).ShouldSucceed();

        var chat = await app.AssignedConversationAsync();
        await using (var candidate = await app.ConnectAsync(chat.Candidate))
        await using (var agent = await app.ConnectAsync(chat.Agent))
        {
            await candidate.JoinAsync(chat.Id);
            await agent.JoinAsync(chat.Id);
            await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = secretContent });
            await agent.ExpectAsync("NEW_MESSAGE");
        }
        await app.ShouldEventuallyHaveAsync(rooms: 1, sockets: 0);   // both disconnected; the transcript stays

        var logs = app.Logs.Text;
        logs.ShouldContain("GET /auth/me 200");
        logs.ShouldContain(chat.Candidate.Id);   // who made the request
        // A socket's line is written when it ends, and names its user as an HTTP request's does.
        await app.Logs.EventuallyAsync(e => e.Contains("GET /ws 101") && e.Contains($"(user {chat.Agent.Id}, role agent)"));
        foreach (var secret in new[] { password, "a-wrong-password", token, chat.Candidate.Token, secretContent, "token=", email })
            logs.ShouldNotContain(secret);
    }
}

/// <summary>Expected conflicts are answered, not logged as errors. Its own app: it reads every log entry.</summary>
public sealed class ConflictLoggingTests(TestApp app) : IClassFixture<TestApp>
{

    [Fact]
    public async Task Lost_create_and_signup_races_log_no_error()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var candidate = await app.NewUserAsync("candidate");
        var creates = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => app.PostAsync("/conversations", new { supervisorId = supervisor.Id }, candidate.Token)));
        var email = ApiClient.NewEmail();
        var signups = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => app.PostAsync("/auth/signup", new { name = "Racer", email, password = "secret123", role = "candidate" })));

        creates.Count(r => r.Status == HttpStatusCode.Created).ShouldBe(1);
        creates.Count(r => r.Status == HttpStatusCode.Conflict).ShouldBe(24);
        signups.Count(r => r.Status == HttpStatusCode.Created).ShouldBe(1);
        signups.Count(r => r.Status == HttpStatusCode.Conflict).ShouldBe(24);
        app.Logs.Errors().ShouldBeEmpty();
    }
}

/// <summary>What is not an expected conflict is still logged as an error. Its own app: it reads every log entry.</summary>
public sealed class DatabaseFailureLoggingTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task A_real_database_failure_is_still_logged_as_an_error_and_answered_500()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var candidate = await app.NewUserAsync("candidate");
        // A trigger that refuses inserts for this one supervisor: a failure that is no unique-index conflict.
        var trigger = TestDatabase.IsPostgres
            ? $$"""
               CREATE FUNCTION refuse_insert() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by test trigger'; END $$ LANGUAGE plpgsql;
               CREATE TRIGGER refuse_insert BEFORE INSERT ON "Conversations" FOR EACH ROW
                 WHEN (NEW."SupervisorId" = '{{supervisor.Id}}') EXECUTE FUNCTION refuse_insert();
               """
            : $"""
               CREATE TRIGGER refuse_insert BEFORE INSERT ON "Conversations" WHEN NEW."SupervisorId" = '{supervisor.Id}'
               BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END;
               """;
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(trigger));

        (await app.PostAsync("/conversations", new { supervisorId = supervisor.Id }, candidate.Token))
            .ShouldFail(HttpStatusCode.InternalServerError, "Internal server error");
        app.Logs.Errors().ShouldContain(entry => entry.Contains("refused by test trigger"));
    }
}
