using System.Net;
using FastEndpoints;
using SupportChat.Common;
using SupportChat.Common.Http;
using SupportChat.Features.Me;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.Me;

public sealed class MeTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Each_role_reads_its_own_profile_and_an_agent_its_supervisor()
    {
        foreach (var user in new[] { app.Admin, app.Supervisor, app.Agent, app.Candidate })
        {
            var (response, body) = await user.Client.GETAsync<MeEndpoint, Envelope<MeResponse>>();

            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            body.Data.Id.ToString().ShouldBe(user.Id);
            body.Data.Email.ShouldBe(user.User.Email);
            body.Data.Role.ShouldBe(user.User.Role);
            (body.Data.SupervisorId?.ToString()).ShouldBe(user == app.Agent ? app.Supervisor.Id : null);
        }
    }

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
    public async Task A_token_naming_a_role_its_user_does_not_have_is_401()
    {
        (await app.GetAsync("/auth/me", Tokens.Forge(app.Candidate.Id, "janitor")))
            .ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
        (await app.GetAsync("/auth/me", Tokens.Forge(app.Candidate.Id, "admin")))
            .ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
    }

    [Fact]
    public async Task A_valid_token_for_a_user_that_no_longer_exists_is_401()
    {
        (await app.GetAsync("/auth/me", Tokens.Forge(ObjectId.NewId().ToString(), "candidate")))
            .ShouldFail(HttpStatusCode.Unauthorized, "Unauthorized, token missing or invalid");
    }
}
