using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.Signup;

public sealed class SignupTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Signup_returns_201_with_id_trimmed_name_and_lowercased_email()
    {
        var email = ApiClient.NewEmail();
        var data = (await app.PostAsync("/auth/signup", new { name = "  Rahul  ", email = email.ToUpperInvariant(), password = "secret123", role = "candidate" }))
            .ShouldSucceed(HttpStatusCode.Created);

        data.GetProperty("_id").GetString()!.ShouldMatch("^[0-9a-f]{24}$");
        data.GetProperty("name").GetString().ShouldBe("Rahul");
        data.GetProperty("email").GetString().ShouldBe(email);
        data.GetProperty("role").GetString().ShouldBe("candidate");
        data.TryGetProperty("supervisorId", out _).ShouldBeFalse();
        data.TryGetProperty("password", out _).ShouldBeFalse();
        data.TryGetProperty("passwordHash", out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("supervisor")]
    [InlineData("candidate")]
    public async Task Every_role_can_sign_up(string role)
    {
        var user = await app.NewUserAsync(role);
        (await app.GetAsync("/auth/me", user.Token)).ShouldSucceed().GetProperty("role").GetString().ShouldBe(role);
    }

    [Fact]
    public async Task Agent_signup_names_its_supervisor()
    {
        var supervisor = await app.NewUserAsync("supervisor");
        var data = (await app.PostAsync("/auth/signup", new { name = "Agent", email = ApiClient.NewEmail(), password = "secret123", role = "agent", supervisorId = supervisor.Id.ToUpperInvariant() }))
            .ShouldSucceed(HttpStatusCode.Created);
        data.GetProperty("supervisorId").GetString().ShouldBe(supervisor.Id);
    }

    [Fact]
    public async Task Password_is_stored_only_as_a_salted_hash()
    {
        var a = await app.NewUserAsync("candidate");
        var b = await app.NewUserAsync("candidate");
        var hashes = await app.WithDbAsync(db => db.Users.Where(u => u.Email == a.Email || u.Email == b.Email).Select(u => u.PasswordHash).ToListAsync());
        hashes.Count.ShouldBe(2);
        hashes.ShouldAllBe(h => !h.Contains(ApiClient.Password) && h.Length > 40);
        hashes[0].ShouldNotBe(hashes[1]);   // same password, different salt
    }

    [Fact]
    public async Task Email_already_registered_in_any_case_is_409()
    {
        var user = await app.NewUserAsync("candidate");
        (await app.PostAsync("/auth/signup", new { name = "Again", email = user.Email.ToUpperInvariant(), password = "secret123", role = "admin" }))
            .ShouldFail(HttpStatusCode.Conflict, "Email already exists");
    }

    [Fact]
    public async Task Simultaneous_signups_with_one_email_give_one_201_and_the_rest_409()
    {
        var email = ApiClient.NewEmail();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            app.PostAsync("/auth/signup", new { name = $"Racer {i}", email = i % 2 == 0 ? email : email.ToUpperInvariant(), password = "secret123", role = "candidate" })));

        attempts.Count(r => r.Status == HttpStatusCode.Created).ShouldBe(1);
        attempts.Where(r => r.Status != HttpStatusCode.Created).ShouldAllBe(r => r.Status == HttpStatusCode.Conflict && r.Error == "Email already exists");
        (await app.WithDbAsync(db => db.Users.CountAsync(u => u.Email == email))).ShouldBe(1);
    }

    [Fact]
    public async Task Agent_without_supervisorId_is_400_invalid_supervisor()
    {
        (await app.PostAsync("/auth/signup", new { name = "A", email = ApiClient.NewEmail(), password = "secret123", role = "agent" }))
            .ShouldFail(HttpStatusCode.BadRequest, "Invalid supervisor");
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("0123456789abcdef01234567")]
    public async Task Agent_with_malformed_or_unknown_supervisorId_is_400_invalid_supervisor(string supervisorId)
    {
        (await app.PostAsync("/auth/signup", new { name = "A", email = ApiClient.NewEmail(), password = "secret123", role = "agent", supervisorId }))
            .ShouldFail(HttpStatusCode.BadRequest, "Invalid supervisor");
    }

    [Fact]
    public async Task Agent_whose_supervisorId_is_not_a_supervisor_is_400_invalid_supervisor()
    {
        var candidate = await app.NewUserAsync("candidate");
        (await app.PostAsync("/auth/signup", new { name = "A", email = ApiClient.NewEmail(), password = "secret123", role = "agent", supervisorId = candidate.Id }))
            .ShouldFail(HttpStatusCode.BadRequest, "Invalid supervisor");
    }

    [Fact]
    public async Task Duplicate_email_is_reported_before_an_invalid_supervisor()
    {
        var user = await app.NewUserAsync("candidate");
        (await app.PostAsync("/auth/signup", new { name = "A", email = user.Email, password = "secret123", role = "agent" }))
            .ShouldFail(HttpStatusCode.Conflict, "Email already exists");
    }

    [Fact]
    public async Task SupervisorId_is_ignored_for_other_roles()
    {
        var data = (await app.PostAsync("/auth/signup", new { name = "C", email = ApiClient.NewEmail(), password = "secret123", role = "candidate", supervisorId = "junk" }))
            .ShouldSucceed(HttpStatusCode.Created);
        data.TryGetProperty("supervisorId", out _).ShouldBeFalse();
    }

    public static TheoryData<string> SchemaViolations => new()
    {
        """{"email":"x@example.com","password":"secret123","role":"candidate"}""",                        // no name
        """{"name":"   ","email":"x@example.com","password":"secret123","role":"candidate"}""",           // blank name
        $$"""{"name":"{{new string('n', 101)}}","email":"x@example.com","password":"secret123","role":"candidate"}""",
        """{"name":"N","email":"not-an-email","password":"secret123","role":"candidate"}""",
        """{"name":"N","password":"secret123","role":"candidate"}""",
        """{"name":"N","email":"x@example.com","password":"short","role":"candidate"}""",
        $$"""{"name":"{{string.Concat(Enumerable.Repeat("😀", 101))}}","email":"x@example.com","password":"secret123","role":"candidate"}""",
        $$"""{"name":"N","email":"x@example.com","password":"{{string.Concat(Enumerable.Repeat("😀", 7))}}","role":"candidate"}""",   // 14 UTF-16 units, 7 code points
        $$"""{"name":"N","email":"x@example.com","password":"{{string.Concat(Enumerable.Repeat("😀", 129))}}","role":"candidate"}""",
        $$"""{"name":"N","email":"x@example.com","password":"{{new string('p', 129)}}","role":"candidate"}""",
        """{"name":"N","email":"x@example.com","password":"secret123","role":"superuser"}""",
        """{"name":"N","email":"x@example.com","password":"secret123","role":"Candidate"}""",
        """{"name":"N","email":"x@example.com","password":"secret123"}""",
        """{"name":42,"email":"x@example.com","password":"secret123","role":"candidate"}""",
        """{"name":"N","email":"x@example.com","password":12345678,"role":"candidate"}""",
        """{"Name":"N","Email":"x@example.com","Password":"secret123","Role":"candidate"}""",           // names are case-sensitive
        """{"name":"N","email":"x@example.com",""",                                                        // malformed JSON
        """[1,2,3]""",
        """null""",
        "",
    };

    [Theory]
    [MemberData(nameof(SchemaViolations))]
    public async Task Schema_violations_are_400_invalid_request_schema(string body)
    {
        (await app.PostRawAsync("/auth/signup", body)).ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
    }

    [Fact]
    public async Task Validation_failures_name_the_offending_fields()
    {
        var response = await app.PostRawAsync("/auth/signup", """{"name":"N","email":"bad","password":"x","role":"candidate"}""");
        response.ShouldFail(HttpStatusCode.BadRequest, "Invalid request schema");
        response.Body.GetProperty("details").EnumerateArray().Select(d => d.GetString()).ShouldBe(["email", "password"], ignoreOrder: true);
    }

    [Fact]
    public async Task Unknown_properties_are_ignored()
    {
        (await app.PostRawAsync("/auth/signup", $$"""{"name":"N","email":"{{ApiClient.NewEmail()}}","password":"secret123","role":"candidate","favouriteColour":"blue"}"""))
            .ShouldSucceed(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Name_and_password_lengths_count_unicode_code_points()
    {
        var name = string.Concat(Enumerable.Repeat("😀", 100));          // 200 UTF-16 units
        var password = string.Concat(Enumerable.Repeat("🔑", 128));      // 256 UTF-16 units, 512 bytes
        var email = ApiClient.NewEmail();
        (await app.PostAsync("/auth/signup", new { name = $"  {name} ", email, password, role = "candidate" }))
            .ShouldSucceed(HttpStatusCode.Created).GetProperty("name").GetString().ShouldBe(name);
        (await app.PostAsync("/auth/login", new { email, password })).ShouldSucceed();
    }

    [Fact]
    public async Task Fields_come_from_the_body_never_from_the_query_string()
    {
        var email = ApiClient.NewEmail();
        var data = (await app.PostAsync($"/auth/signup?role=admin&email=query%40example.com", new { name = "N", email, password = "secret123", role = "candidate" }))
            .ShouldSucceed(HttpStatusCode.Created);
        data.GetProperty("role").GetString().ShouldBe("candidate");
        data.GetProperty("email").GetString().ShouldBe(email);
    }

    [Fact]
    public async Task A_body_without_json_content_type_is_415()
    {
        (await app.PostRawAsync("/auth/signup", JsonSerializer.Serialize(new { name = "N", email = ApiClient.NewEmail(), password = "secret123", role = "candidate" }), contentType: "text/plain"))
            .ShouldFail(HttpStatusCode.UnsupportedMediaType, "Content-Type must be application/json");
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_413()
    {
        var body = JsonSerializer.Serialize(new { name = new string('n', 70_000), email = ApiClient.NewEmail(), password = "secret123", role = "candidate" });
        using var connection = app.CreateClient();
        (await connection.SendAsync(HttpMethod.Post, "/auth/signup", new StringContent(body, System.Text.Encoding.UTF8, "application/json")))
            .ShouldFail(HttpStatusCode.RequestEntityTooLarge, "Request body too large");
    }

    [Fact]
    public async Task A_chunked_body_over_64_KiB_is_413()
    {
        var body = JsonSerializer.Serialize(new { name = new string('n', 70_000), email = ApiClient.NewEmail(), password = "secret123", role = "candidate" });
        var content = new ChunkedContent(System.Text.Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = new("application/json") } };
        using var connection = app.CreateClient();
        (await connection.SendAsync(HttpMethod.Post, "/auth/signup", content)).ShouldFail(HttpStatusCode.RequestEntityTooLarge, "Request body too large");
    }
}

/// <summary>A body of unknown length, so it goes out chunked and only the server's read limit can stop it.</summary>
sealed class ChunkedContent(byte[] bytes) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
