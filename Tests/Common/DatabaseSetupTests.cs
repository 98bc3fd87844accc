using SupportChat.Common.Data;

namespace SupportChat.Tests.Common;

public sealed class DatabaseSetupTests
{
    [Fact]
    public void Database_url_from_fly_postgres_attach_becomes_a_connection_string()
    {
        var connectionString = DatabaseSetup.FromDatabaseUrl("postgres://app_user:p%40ss@db.internal:5433/supportchat?sslmode=disable");
        var parsed = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        parsed.Host.ShouldBe("db.internal");
        parsed.Port.ShouldBe(5433);
        parsed.Username.ShouldBe("app_user");
        parsed.Password.ShouldBe("p@ss");
        parsed.Database.ShouldBe("supportchat");
        parsed.SslMode.ShouldBe(Npgsql.SslMode.Disable);
    }
}
