using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using SupportChat.Common.Data;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Common;

/// <summary>
/// `dotnet ef migrations add` diffs the model against Common/Data/Migrations/SupportChatDbModelSnapshot.cs. One
/// snapshot serves both providers only while it names no column types; these fail on the provider it was not
/// generated for when the tools' types were left in (scripts/add-migration.sh takes them out).
/// </summary>
public sealed class MigrationsTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task The_snapshot_matches_the_model_so_a_new_migration_would_be_empty()
    {
        (await app.WithDbAsync(db => Task.FromResult(db.Database.HasPendingModelChanges()))).ShouldBeFalse();
    }

    [Fact]
    public void The_design_time_factory_builds_the_suites_provider_from_the_arguments_after_the_double_dash()
    {
        string[] args = TestDatabase.IsPostgres ? ["--provider", "Postgres"] : [];
        using var db = new SupportChatDbDesignTimeFactory().CreateDbContext(args);

        db.Database.ProviderName.ShouldBe(TestDatabase.IsPostgres ? "Npgsql.EntityFrameworkCore.PostgreSQL" : "Microsoft.EntityFrameworkCore.Sqlite");
        db.Database.HasPendingModelChanges().ShouldBeFalse();
    }

    [Fact]
    public async Task Every_migration_carries_its_target_model()
    {
        // `migrations remove` restores the snapshot from the previous migration's target model; without one it writes an empty model.
        var missing = await app.WithDbAsync(db =>
        {
            var migrations = db.GetService<IMigrationsAssembly>();
            return Task.FromResult(migrations.Migrations.Values
                .Select(type => migrations.CreateMigration(type, db.Database.ProviderName!))
                .Where(migration => migration.TargetModel is null)
                .Select(migration => migration.GetType().Name)
                .ToList());
        });

        missing.ShouldBeEmpty();
    }
}
