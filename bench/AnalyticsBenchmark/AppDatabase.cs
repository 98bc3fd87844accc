using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SupportChat.Common.Data;

namespace SupportChat.Bench.Analytics;

static class AppDatabase
{
    /// <summary>
    /// The app's own registration (<see cref="DatabaseSetup.AddDatabase"/>), so the benchmark's contexts get exactly
    /// the options a request's context gets: provider, pooling, ignored PendingModelChangesWarning.
    /// </summary>
    public static ServiceProvider Build(string provider, string connectionString, Action<IServiceCollection>? extra = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider,
                ["Database:ConnectionString"] = connectionString,
            })
            .Build();
        var services = new ServiceCollection().AddDatabase(configuration);
        extra?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>The same start-up step as <see cref="DatabaseSetup.MigrateDatabaseAsync"/>, which needs a WebApplication.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SupportChatDb>();
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }

    /// <summary>
    /// Runs <paramref name="query"/> once through a context that records the SQL it sends, so EXPLAIN sees the
    /// statement the app really executes. <c>ToQueryString</c> would need the IQueryable, which the app's
    /// query method never exposes; a retyped copy here could drift from it.
    /// </summary>
    public static async Task<string> CaptureSqlAsync(string provider, string connectionString, AnalyticsQuery query, CancellationToken ct)
    {
        var capture = new SqlCapture();
        await using var services = Build(provider, connectionString,
            s => s.ConfigureDbContext<SupportChatDb>(o => o.AddInterceptors(capture)));
        await using var scope = services.CreateAsyncScope();
        await query(scope.ServiceProvider.GetRequiredService<SupportChatDb>(), ct);
        return capture.Commands.Count == 1
            ? capture.Commands[0]
            : throw new InvalidOperationException($"Expected one SQL statement, saw {capture.Commands.Count}.");
    }

    sealed class SqlCapture : DbCommandInterceptor
    {
        public List<string> Commands { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken ct = default)
        {
            // EXPLAIN replays the bare text; a parameter would make it unrunnable, so say so plainly.
            if (command.Parameters.Count > 0)
                throw new InvalidOperationException("The analytics query now takes parameters; the EXPLAIN step must bind them.");
            Commands.Add(command.CommandText);
            return base.ReaderExecutingAsync(command, eventData, result, ct);
        }
    }
}
