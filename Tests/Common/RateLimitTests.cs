using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Common;

/// <summary>Small limits, and loopback as the trusted proxy so each test can be its own client address.</summary>
public sealed class LimitedApp : TestApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("RateLimit:LoginPerMinute", "3"),
        new("RateLimit:SignupPerMinute", "50"),   // room for the users the tests sign up from loopback itself
        new("RateLimit:MessagesPerSecond", "2"),
        new("ForwardedHeaders:KnownNetworks", "127.0.0.0/8, ::1/128"),
    ];
}

/// <summary>CONTRACT.md Part 2 "Limits".</summary>
public sealed class RateLimitTests(LimitedApp app) : IClassFixture<LimitedApp>
{
    static int _nextAddress;
    static string NewAddress() => $"203.0.113.{Interlocked.Increment(ref _nextAddress)}";

    async Task<(ApiResponse Response, string? RetryAfter)> PostFromAsync(string address, string path, object body, string header = "X-Forwarded-For")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add(header, address);
        using var response = await app.Http.SendAsync(request);
        var parsed = new ApiResponse(response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        return (parsed, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString());
    }

    static void ShouldBeTooMany((ApiResponse Response, string? RetryAfter) answer)
    {
        answer.Response.ShouldFail(HttpStatusCode.TooManyRequests, "Too many requests");
        int.Parse(answer.RetryAfter!).ShouldBeInRange(1, 60);
    }

    [Fact]
    public async Task Failed_logins_per_email_are_limited_and_then_even_the_right_password_waits()
    {
        var user = await app.NewUserAsync("candidate");
        var other = await app.NewUserAsync("candidate");
        var address = NewAddress();

        for (var i = 0; i < 3; i++)
            (await PostFromAsync(address, "/auth/login", new { email = user.Email.ToUpperInvariant(), password = "wrong-password" }))
                .Response.ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");

        ShouldBeTooMany(await PostFromAsync(address, "/auth/login", new { email = user.Email, password = "wrong-password" }));
        ShouldBeTooMany(await PostFromAsync(NewAddress(), "/auth/login", new { email = user.Email, password = user.Password }));
        (await PostFromAsync(address, "/auth/login", new { email = other.Email, password = other.Password })).Response.ShouldSucceed();
    }

    [Fact]
    public async Task Successful_logins_do_not_count()
    {
        var user = await app.NewUserAsync("candidate");
        var address = NewAddress();
        for (var i = 0; i < 8; i++)
            (await PostFromAsync(address, "/auth/login", new { email = user.Email, password = user.Password })).Response.ShouldSucceed();
    }

    [Fact]
    public async Task One_client_address_gets_ten_times_the_per_email_budget_of_failures()
    {
        var address = NewAddress();
        for (var i = 0; i < 30; i++)
            (await PostFromAsync(address, "/auth/login", new { email = ApiClient.NewEmail(), password = "wrong-password" }))
                .Response.ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");

        var user = await app.NewUserAsync("candidate");
        ShouldBeTooMany(await PostFromAsync(address, "/auth/login", new { email = user.Email, password = user.Password }));
        (await PostFromAsync(NewAddress(), "/auth/login", new { email = user.Email, password = user.Password })).Response.ShouldSucceed();
    }

    [Theory]
    [InlineData("X-Forwarded-For")]
    [InlineData("Fly-Client-IP")]
    public async Task Signups_per_client_address_are_limited_and_a_trusted_proxy_names_the_client(string header)
    {
        var address = NewAddress();
        object Signup() => new { name = "Limited", email = ApiClient.NewEmail(), password = "secret123", role = "candidate" };

        for (var i = 0; i < 50; i++) (await PostFromAsync(address, "/auth/signup", Signup(), header)).Response.ShouldSucceed(HttpStatusCode.Created);
        ShouldBeTooMany(await PostFromAsync(address, "/auth/signup", Signup(), header));
        (await PostFromAsync(NewAddress(), "/auth/signup", Signup(), header)).Response.ShouldSucceed(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Messages_per_user_share_one_budget_across_sockets_and_the_rest_are_refused_unstored()
    {
        var chat = await app.AssignedConversationAsync();
        await using var first = await app.ConnectAsync(chat.Candidate);
        await using var second = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        foreach (var socket in new[] { first, second, agent }) await socket.JoinAsync(chat.Id);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
            await (i % 2 == 0 ? first : second).SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"message {i}" });
        var firstFrames = await first.ReceiveUntilQuietAsync();
        var secondFrames = await second.ReceiveUntilQuietAsync();
        var elapsed = clock.Elapsed;

        var refused = firstFrames.Concat(secondFrames).Where(f => f.Event == "ERROR").ToList();
        refused.ShouldAllBe(f => f.Message == "Too many messages");
        var delivered = (await agent.ReceiveUntilQuietAsync()).Where(f => f.Event == "NEW_MESSAGE").ToList();
        // A burst of twice the rate (4), plus 2 for each second the sends took.
        delivered.Count.ShouldBeInRange(4, 4 + 2 * ((int)elapsed.TotalSeconds + 1));
        (delivered.Count + refused.Count).ShouldBe(10);
        (await app.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed().GetProperty("messages").GetArrayLength()
            .ShouldBe(delivered.Count);

        // Another user's budget is their own.
        await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "agent here" });
        (await first.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("agent here");
    }
}

/// <summary>Without <c>ForwardedHeaders__KnownNetworks</c>, forwarding headers are the client's own words and change nothing.</summary>
public sealed class UntrustedForwardingTests(UntrustedForwardingTests.App app) : IClassFixture<UntrustedForwardingTests.App>
{
    public sealed class App : TestApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("RateLimit:SignupPerMinute", "3")];

        /// <summary>No users up front: the test spends this address's whole signup budget itself.</summary>
        protected override Task SetupAsync() => Task.CompletedTask;
    }

    [Fact]
    public async Task Forwarding_headers_from_an_untrusted_peer_do_not_make_a_new_client()
    {
        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/signup")
            {
                Content = JsonContent.Create(new { name = "Spoofer", email = ApiClient.NewEmail(), password = "secret123", role = "candidate" }),
            };
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i}");
            request.Headers.Add("Fly-Client-IP", $"198.51.100.{i}");
            using var response = await app.Http.SendAsync(request);
            response.StatusCode.ShouldBe(i < 3 ? HttpStatusCode.Created : HttpStatusCode.TooManyRequests);
        }
    }
}
