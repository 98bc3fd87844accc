using System.Net;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.Login;

public sealed class LoginTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Login_returns_a_token_with_userId_role_and_expiry()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var token = Tokens.Read(supervisor.Token);

        token.GetClaim("userId").Value.ShouldBe(supervisor.Id);
        token.GetClaim("role").Value.ShouldBe("supervisor");
        token.ValidTo.ShouldBeInRange(DateTime.UtcNow.AddHours(23), DateTime.UtcNow.AddHours(25));   // default expiry: 24 h
    }

    [Fact]
    public async Task Email_matches_case_insensitively()
    {
        var user = await app.NewUserAsync("candidate");
        (await app.PostAsync("/auth/login", new { email = user.Email.ToUpperInvariant(), password = user.Password }))
            .ShouldSucceed().GetProperty("token").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_get_the_same_401()
    {
        var user = await app.NewUserAsync("candidate");
        (await app.PostAsync("/auth/login", new { email = user.Email, password = "wrong-password" }))
            .ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");
        (await app.PostAsync("/auth/login", new { email = ApiClient.NewEmail(), password = user.Password }))
            .ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");
    }

    [Fact]
    public async Task No_format_rules_apply_beyond_presence()
    {
        (await app.PostAsync("/auth/login", new { email = "", password = "" }))
            .ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");
    }

    [Theory]
    [InlineData("""{"password":"secret123"}""")]
    [InlineData("""{"email":"a@example.com"}""")]
    [InlineData("""{"email":42,"password":"secret123"}""")]
    [InlineData("""{"email":"a@example.com","password":["secret123"]}""")]
    [InlineData("""{"email":"a@example.com",""")]
    [InlineData("""null""")]
    public async Task Missing_or_wrongly_typed_fields_are_400(string body)
    {
        (await app.PostRawAsync("/auth/login", body)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }
}
