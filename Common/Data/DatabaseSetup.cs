using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SupportChat.Common.Data;

/// <summary>The <c>Database</c> section: <c>Provider</c> (Sqlite or Postgres) and an optional <c>ConnectionString</c>.</summary>
static class DatabaseSetup
{
    public const string DefaultSqlite = "Data Source=supportchat.db";
    public const string DefaultPostgres = "Host=localhost;Database=supportchat;Username=postgres";

    public static IServiceCollection AddDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration["Database:Provider"] ?? "Sqlite";
        var connectionString = configuration["Database:ConnectionString"];
        services.AddDbContextPool<SupportChatDb>(options =>
        {
            if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
                options.UseNpgsql(connectionString ?? DefaultPostgres);
            else if (provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
                options.UseSqlite(connectionString ?? DefaultSqlite);
            else
                throw new InvalidOperationException($"Database__Provider must be Sqlite or Postgres, not '{provider}'.");
            // Migrations are written by hand, without a model snapshot; a test compares the migrated schema with the model instead.
            options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        });
        return services;
    }

    /// <summary>Creates the database or brings it up to date: no manual step on a fresh machine or after an upgrade.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SupportChatDb>();
        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");   // readers never wait for the writer
    }

    /// <summary>True when the database refused the row because a unique index already holds its key.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) => exception.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,   // SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
