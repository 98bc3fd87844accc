using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SupportChat.Common.Data;

/// <summary>
/// How <c>dotnet ef</c> gets a <see cref="SupportChatDb"/> without starting the app. It reads the app's own
/// <c>Database</c> settings, so SQLite unless told otherwise: from the environment (<c>Database__Provider=Postgres</c>,
/// <c>Database__ConnectionString</c>, <c>DATABASE_URL</c>) or from the arguments after <c>--</c>
/// (<c>dotnet ef migrations add X -- --provider Postgres [--connection "Host=…"]</c>).
/// </summary>
sealed class SupportChatDbDesignTimeFactory : IDesignTimeDbContextFactory<SupportChatDb>
{
    public SupportChatDb CreateDbContext(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddCommandLine(args, new Dictionary<string, string>
            {
                ["--provider"] = "Database:Provider",
                ["--connection"] = "Database:ConnectionString",
            })
            .Build();
        // Through AddDatabase, so the tools see exactly the options the running service uses.
        var services = new ServiceCollection().AddDatabase(configuration).BuildServiceProvider();
        return services.GetRequiredService<IDbContextFactory<SupportChatDb>>().CreateDbContext();
    }
}
