using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Features.Login;

/// <summary>How passwords are stored and read: bcrypt, the Node stack's hashes, the previous release's PBKDF2 hashes.</summary>
public sealed class PasswordHashingTests(TestApp app) : IClassFixture<TestApp>
{
    // Made by the PRD's Node stack (bcryptjs 2 and bcrypt 5, cost 10) for these passwords, on 2026-11-30.
    const string BcryptjsHash = "$2a$10$zrnkvroTGd1o2PN4kFz.j.ker.pI/b0zNYc5cSTdtFeK.swMOVGge";     // "node-made-secret1"
    const string NodeBcryptHash = "$2b$10$7zigOYxkU3ZCXxPbdeHyDeX9iXTtJ27g9YA4PLSiFJ.lISPK29Kd6";   // "node-made-secret2"
    const string BcryptjsLongHash = "$2a$10$Igs2ifxYuSTY2EXH6Tuw1e9iWMPdA2XFCpGSlynTc5MC38N4xyciO"; // 72 × "x" + "-the-rest-only-node-ignores"

    [Fact]
    public async Task A_new_password_is_stored_as_bcrypt_at_the_configured_cost()
    {
        var user = await app.NewUserAsync("candidate");
        (await StoredHashAsync(user.Email)).ShouldStartWith("$bcrypt-sha384$$2b$04$");
    }

    [Theory]
    [InlineData(BcryptjsHash, "node-made-secret1")]
    [InlineData(NodeBcryptHash, "node-made-secret2")]
    public async Task A_hash_made_by_the_Node_stack_logs_in_and_only_with_its_password(string nodeHash, string password)
    {
        var email = await InsertUserAsync(nodeHash);

        (await app.PostAsync("/auth/login", new { email, password = password + "!" })).ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");
        (await app.PostAsync("/auth/login", new { email, password })).ShouldSucceed().GetProperty("token").GetString().ShouldNotBeNullOrEmpty();
        // Replaced by this service's own format at that login: Node's hash knows only the password's first 72 bytes.
        (await StoredHashAsync(email)).ShouldStartWith("$bcrypt-sha384$$2b$04$");
        (await app.PostAsync("/auth/login", new { email, password })).ShouldSucceed();
    }

    [Theory]
    [InlineData(72, "")]
    [InlineData(71, "\u0000")]          // bcrypt stops at a NUL: "p…p" and "p…p\0x" would share a key
    [InlineData(72, "\u0000")]
    [InlineData(8, "")]
    public async Task A_password_is_never_matched_by_a_longer_one_that_starts_with_it(int length, string separator)
    {
        var password = new string('p', length);
        var email = ApiClient.NewEmail("candidate");
        (await app.PostAsync("/auth/signup", new { name = "Prefix", email, password, role = "candidate" })).ShouldSucceed(HttpStatusCode.Created);

        (await app.PostAsync("/auth/login", new { email, password = password + separator + "anything" }))
            .ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");
        (await app.PostAsync("/auth/login", new { email, password })).ShouldSucceed();
    }

    [Fact]
    public async Task A_pbkdf2_hash_of_the_previous_release_logs_in_and_is_replaced_by_bcrypt()
    {
        var hash = new PasswordHasher<User>().HashPassword(null!, "release-password");   // what the previous release stored
        var email = await InsertUserAsync(hash);

        (await app.PostAsync("/auth/login", new { email, password = "wrong-password" })).ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");
        (await StoredHashAsync(email)).ShouldBe(hash);
        (await app.PostAsync("/auth/login", new { email, password = "release-password" })).ShouldSucceed();
        (await StoredHashAsync(email)).ShouldStartWith("$bcrypt-sha384$$2b$04$");
        (await app.PostAsync("/auth/login", new { email, password = "release-password" })).ShouldSucceed();
    }

    [Theory]
    [InlineData(72, "a", 56)]    // 128 characters, 128 bytes
    [InlineData(71, "é", 30)]    // 101 characters, 131 bytes: the 72nd byte is inside the first "é"
    [InlineData(8, "😀", 60)]    // 68 code points, 128 UTF-16 units, 248 bytes
    public async Task Passwords_that_differ_only_after_byte_72_do_not_both_log_in(int asciiCount, string filler, int fillerCount)
    {
        var common = new string('p', asciiCount) + string.Concat(Enumerable.Repeat(filler, fillerCount - 1));
        string password = common + filler, variant = common + "z";
        var email = ApiClient.NewEmail("candidate");
        (await app.PostAsync("/auth/signup", new { name = "Long Password", email, password, role = "candidate" })).ShouldSucceed(HttpStatusCode.Created);

        (await app.PostAsync("/auth/login", new { email, password = variant })).ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");
        (await app.PostAsync("/auth/login", new { email, password })).ShouldSucceed();
    }

    [Fact]
    public async Task A_long_password_hashed_by_the_Node_stack_logs_in_once_and_then_only_in_full()
    {
        var password = new string('x', 72) + "-the-rest-only-node-ignores";
        var email = await InsertUserAsync(BcryptjsLongHash);

        (await app.PostAsync("/auth/login", new { email, password })).ShouldSucceed();
        // Node's hash only knew the first 72 bytes; the login replaced it with one that knows them all.
        (await StoredHashAsync(email)).ShouldStartWith("$bcrypt-sha384$$2b$04$");
        (await app.PostAsync("/auth/login", new { email, password = new string('x', 72) + "-something-else" }))
            .ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");
        (await app.PostAsync("/auth/login", new { email, password })).ShouldSucceed();
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a hash at all")]
    [InlineData("$2a$10$short")]
    [InlineData("$2a$99$zrnkvroTGd1o2PN4kFz.j.ker.pI/b0zNYc5cSTdtFeK.swMOVGge")]
    [InlineData("$bcrypt-sha384$garbage")]
    [InlineData("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")]
    public async Task Any_stored_value_answers_401_never_500_and_is_logged_as_an_error_once(string stored)
    {
        var email = await InsertUserAsync(stored);

        for (var attempt = 0; attempt < 2; attempt++)
            (await app.PostAsync("/auth/login", new { email, password = "any-password" })).ShouldFail(HttpStatusCode.Unauthorized, "Invalid email or password");

        var userId = await app.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
        var errors = app.Logs.Text.Split('\n').Where(l => l.StartsWith("Error") && l.Contains(userId.ToString())).ToList();
        errors.Count.ShouldBe(1);
        if (stored.Length > 0) errors[0].ShouldNotContain(stored);
    }

    async Task<string> InsertUserAsync(string passwordHash)
    {
        var email = ApiClient.NewEmail("imported");
        await app.WithDbAsync(async db =>
        {
            db.Users.Add(new User { Name = "Imported User", Email = email, Role = "candidate", PasswordHash = passwordHash });
            return await db.SaveChangesAsync();
        });
        return email;
    }

    Task<string> StoredHashAsync(string email) =>
        app.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.PasswordHash).SingleAsync());
}

/// <summary>Without <c>Passwords__BcryptWorkFactor</c>, hashes use the default cost measured for this service.</summary>
public sealed class DefaultPasswordCostTests(DefaultPasswordCostTests.App app) : IClassFixture<DefaultPasswordCostTests.App>
{
    public sealed class App : TestApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Passwords:BcryptWorkFactor", null)];
    }

    static readonly string DefaultCost = $"$bcrypt-sha384$$2b${SupportChat.Common.Auth.PasswordSettings.DefaultWorkFactor}$";

    [Fact]
    public async Task Signup_hashes_at_the_default_cost()
    {
        var user = await app.NewUserAsync("candidate");
        (await StoredHashAsync(user.Email)).ShouldStartWith(DefaultCost);
    }

    [Fact]
    public async Task A_hash_of_a_lower_cost_is_replaced_at_the_next_login()
    {
        var email = ApiClient.NewEmail("imported");
        await app.WithDbAsync(async db =>
        {
            db.Users.Add(new User { Name = "Imported User", Email = email, Role = "candidate", PasswordHash = BCrypt.Net.BCrypt.HashPassword("cheap-password", 4) });
            return await db.SaveChangesAsync();
        });

        (await app.PostAsync("/auth/login", new { email, password = "cheap-password" })).ShouldSucceed();
        (await StoredHashAsync(email)).ShouldStartWith(DefaultCost);
    }

    Task<string> StoredHashAsync(string email) =>
        app.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.PasswordHash).SingleAsync());
}
