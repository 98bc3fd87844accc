using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using SupportChat.Common.Data;

namespace SupportChat.Bench.Inbox;

/// <summary>A statement as EF Core sent it, with copies of its parameters, so EXPLAIN sees exactly what the app runs.</summary>
sealed record CapturedSql(string Text, IReadOnlyList<DbParameter> Parameters)
{
    public DbCommand CreateCommand(DbConnection connection, string prefix)
    {
        var command = connection.CreateCommand();
        command.CommandText = prefix + Text;
        foreach (var parameter in Parameters) command.Parameters.Add(Copy(parameter));
        return command;
    }

    /// <summary>A parameter belongs to one command: each EXPLAIN gets fresh copies, typed as EF Core typed them.</summary>
    public static DbParameter Copy(DbParameter parameter) => parameter switch
    {
        NpgsqlParameter npgsql => npgsql.Clone(),
        SqliteParameter sqlite => new SqliteParameter(sqlite.ParameterName, sqlite.Value) { SqliteType = sqlite.SqliteType },
        _ => throw new NotSupportedException(parameter.GetType().Name),
    };
}

static class AppDatabase
{
    /// <summary>
    /// The app's own registration (<see cref="DatabaseSetup.AddDatabase"/>), so the benchmark's contexts get exactly
    /// the options a request's context gets: provider, pooling, logging settings.
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

    /// <summary>Runs <paramref name="query"/> once through a context that records the one statement it sends.</summary>
    public static async Task<CapturedSql> CaptureSqlAsync(string provider, string connectionString, BenchQuery query, CancellationToken ct)
    {
        var capture = new SqlCapture();
        await using var services = Build(provider, connectionString, s => s.ConfigureDbContext<SupportChatDb>(o => o.AddInterceptors(capture)));
        await using var scope = services.CreateAsyncScope();
        await query.RunAsync(scope.ServiceProvider.GetRequiredService<SupportChatDb>(), ct);
        // The page's own statement comes first; a second one re-reads open conversations (see BenchQuery).
        return capture.Commands.Count is 1 or 2
            ? capture.Commands[0]
            : throw new InvalidOperationException($"Expected one or two SQL statements for '{query.Name}', saw {capture.Commands.Count}.");
    }

    sealed class SqlCapture : DbCommandInterceptor
    {
        public List<CapturedSql> Commands { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken ct = default)
        {
            Commands.Add(new CapturedSql(command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(CapturedSql.Copy)]));
            return base.ReaderExecutingAsync(command, eventData, result, ct);
        }
    }
}
