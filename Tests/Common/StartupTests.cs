using System.Diagnostics;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Common;

/// <summary>Starts the built service as its own process, as an operator would.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("")]
    [InlineData("too-short")]
    public async Task Outside_development_the_service_refuses_to_start_without_a_proper_Jwt_secret(string secret)
    {
        await ShouldRefuseToStartAsync(new() { ["Jwt__Secret"] = secret }, "Jwt__Secret");
    }

    [Theory]
    [InlineData("3")]
    [InlineData("21")]
    [InlineData("eleven")]
    public async Task The_service_refuses_to_start_with_a_bcrypt_cost_it_cannot_use(string workFactor)
    {
        await ShouldRefuseToStartAsync(new() { ["Jwt__Secret"] = TestApp.JwtSecret, ["Passwords__BcryptWorkFactor"] = workFactor }, "Passwords__BcryptWorkFactor");
    }

    [Theory]
    [InlineData("RateLimit__LoginPerMinute", "-1")]
    [InlineData("RateLimit__MessagesPerSecond", "ten")]
    [InlineData("ForwardedHeaders__KnownNetworks", "172.16.0.0/99")]
    [InlineData("Database__Provider", "Mongo")]
    [InlineData("Jwt__ExpiryMinutes", "a day")]
    [InlineData("Jwt__UserCheckSeconds", "-5")]
    public async Task The_service_refuses_to_start_with_a_setting_it_cannot_use(string key, string value)
    {
        await ShouldRefuseToStartAsync(new() { ["Jwt__Secret"] = TestApp.JwtSecret, [key] = value }, key);
    }

    [Theory]
    [InlineData("Redis__Configuration", "127.0.0.1:6379")]   // the Redis engine on SQLite: instances would not share a database
    [InlineData("REDIS_URL", "redis://127.0.0.1:6379")]
    [InlineData("REDIS_URL", "http://not-redis")]
    public async Task The_service_refuses_to_start_with_a_Redis_setting_it_cannot_use(string key, string value)
    {
        await ShouldRefuseToStartAsync(new() { ["Jwt__Secret"] = TestApp.JwtSecret, [key] = value }, "REDIS_URL");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("a minute")]
    public async Task The_service_refuses_to_start_with_a_fence_timeout_it_cannot_use(string seconds)
    {
        await ShouldRefuseToStartAsync(new()
        {
            ["Jwt__Secret"] = TestApp.JwtSecret, ["Database__Provider"] = "Postgres", ["Redis__Configuration"] = "127.0.0.1:6379",
            ["Redis__FenceStaleSeconds"] = seconds,
        }, "Redis__FenceStaleSeconds");
    }

    static async Task ShouldRefuseToStartAsync(Dictionary<string, string> settings, string named)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "SupportChat.dll")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Directory.CreateTempSubdirectory("supportchat-startup-").FullName,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            },
        };
        foreach (var (key, value) in settings) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        process.ExitCode.ShouldBe(1);
        (await stderr).ShouldContain(named);
        File.Exists(Path.Combine(start.WorkingDirectory, "supportchat.db")).ShouldBeFalse();   // stopped before touching any data
    }
}
