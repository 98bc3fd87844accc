using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SupportChat.Common.Data;

/// <summary>
/// The <c>Database</c> section: <c>Provider</c> (Sqlite or Postgres) and an optional <c>ConnectionString</c>.
/// A <c>DATABASE_URL</c> (what <c>fly postgres attach</c> sets) selects PostgreSQL when neither is given.
/// </summary>
static class DatabaseSetup
{
    public const string DefaultSqlite = "Data Source=supportchat.db";
    public const string DefaultPostgres = "Host=localhost;Database=supportchat;Username=postgres";

    /// <summary>"" when <c>Database__Provider</c> names a provider this service has; otherwise why the service must not start.</summary>
    public static string ProviderProblem(IConfiguration configuration) =>
        ProviderName(configuration) is var name && (name.Equals("Sqlite", StringComparison.OrdinalIgnoreCase) || name.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
            ? ""
            : $"Database__Provider must be Sqlite or Postgres, not '{name}'.";

    /// <summary>Whether the configuration selects PostgreSQL (<c>Database__Provider=Postgres</c>, or <c>DATABASE_URL</c> without a provider).</summary>
    public static bool IsPostgres(IConfiguration configuration) => ProviderName(configuration).Equals("Postgres", StringComparison.OrdinalIgnoreCase);

    static string ProviderName(IConfiguration configuration) =>
        configuration["Database:Provider"] ?? (string.IsNullOrEmpty(configuration["DATABASE_URL"]) ? "Sqlite" : "Postgres");

    public static IServiceCollection AddDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var databaseUrl = configuration["DATABASE_URL"];
        var provider = ProviderName(configuration);
        var connectionString = configuration["Database:ConnectionString"];
        if (connectionString is null && !string.IsNullOrEmpty(databaseUrl) && provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
            connectionString = FromDatabaseUrl(databaseUrl);
        services.AddPooledDbContextFactory<SupportChatDb>(options =>
        {
            if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
                options.UseNpgsql(connectionString ?? DefaultPostgres);
            else if (provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
                options.UseSqlite(connectionString ?? DefaultSqlite);
            else
                throw new InvalidOperationException($"Database__Provider must be Sqlite or Postgres, not '{provider}'.");
            // A lost race on a unique index (two signups with one email, two creates by one candidate) is an expected
            // 409, which EF Core would log at Error two or three times (the command, the save and, on PostgreSQL, the
            // connection). The exception still reaches the code that ran the command: TryInsertAsync turns a unique
            // violation into false, and anything else is logged where it is handled (the exception handler, the
            // socket loop, the checkpoint).
            options.ConfigureWarnings(w => w.Log(
                (RelationalEventId.CommandError, LogLevel.Debug), (CoreEventId.SaveChangesFailed, LogLevel.Debug), (RelationalEventId.ConnectionError, LogLevel.Debug)));
        });
        // One pool for both: requests take their context from the scope, WebSocket events straight from the factory.
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<SupportChatDb>>().CreateDbContext());
        return services;
    }

    /// <summary>postgres://user:password@host:port/database?sslmode=... as an Npgsql connection string.</summary>
    public static string FromDatabaseUrl(string url)
    {
        var uri = new Uri(url);
        var credentials = uri.UserInfo.Split(':', 2);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Username = Uri.UnescapeDataString(credentials[0]),
            Password = credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : null,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        var sslMode = System.Web.HttpUtility.ParseQueryString(uri.Query)["sslmode"];
        if (sslMode is not null && Enum.TryParse<Npgsql.SslMode>(sslMode, ignoreCase: true, out var mode)) builder.SslMode = mode;
        return builder.ConnectionString;
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

    /// <summary>
    /// Inserts the entity and the audit event that records it, in one transaction (one SaveChanges); false when a
    /// unique index refused the entity, and then neither is stored. Rules that must hold under concurrency (one email,
    /// one active conversation per candidate) are decided here by the database, never by a check before the insert.
    /// </summary>
    public static async Task<bool> TryInsertAsync<T>(this SupportChatDb db, T entity, AuditEvent audit, CancellationToken ct) where T : class
    {
        db.Add(entity);
        db.Add(audit);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.Entry(entity).State = EntityState.Detached;
            db.Entry(audit).State = EntityState.Detached;
            return false;
        }
    }

    static bool IsUniqueViolation(this DbUpdateException exception) => exception.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,   // SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
