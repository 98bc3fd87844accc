using System.Diagnostics;

namespace SupportChat.Tests.Common;

/// <summary>Starts the built service as its own process, as an operator would.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("")]
    [InlineData("too-short")]
    public async Task Outside_development_the_service_refuses_to_start_without_a_proper_Jwt_secret(string secret)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "SupportChat.dll")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Directory.CreateTempSubdirectory("supportchat-startup-").FullName,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Jwt__Secret"] = secret,
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            },
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);

        process.ExitCode.ShouldNotBe(0);
        (await stderr).ShouldContain("Jwt__Secret");
        File.Exists(Path.Combine(start.WorkingDirectory, "supportchat.db")).ShouldBeFalse();   // stopped before touching any data
    }
}
