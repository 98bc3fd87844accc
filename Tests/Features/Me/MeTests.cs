using System.Net;
using SupportChat.Common;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.Me;

public sealed class MeTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Me_returns_the_callers_profile()
    {
        var user = await app.NewUserAsync("admin", name: "Ada Admin");
        var data = (await app.GetAsync("/auth/me", user.Token)).ShouldSucceed();

        data.GetProperty("_id").GetString().ShouldBe(user.Id);
        data.GetProperty("name").GetString().ShouldBe("Ada Admin");
        data.GetProperty("email").GetString().ShouldBe(user.Email);
        data.GetProperty("role").GetString().ShouldBe("admin");
        data.TryGetProperty("supervisorId", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Me_shows_an_agents_supervisor()
    {
        var (supervisor, agent) = await app.NewTeamAsync();
        (await app.GetAsync("/auth/me", agent.Token)).ShouldSucceed().GetProperty("supervisorId").GetString().ShouldBe(supervisor.Id);
    }

    public static TheoryData<string?> BadTokens => Tokens.Invalid("admin");

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Missing_malformed_foreign_or_expired_tokens_are_401(string? token)
    {
        (await app.GetAsync("/auth/me", token)).ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
    }

    [Fact]
    public async Task A_token_with_an_unknown_role_is_403()
    {
        (await app.GetAsync("/auth/me", Tokens.Forge(ObjectId.NewId().ToString(), "janitor")))
            .ShouldFail(HttpStatusCode.Forbidden, "Forbidden, insufficient permissions");
    }

    [Fact]
    public async Task A_valid_token_for_a_user_that_no_longer_exists_is_401()
    {
        (await app.GetAsync("/auth/me", Tokens.Forge(ObjectId.NewId().ToString(), "candidate")))
            .ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
    }
}
