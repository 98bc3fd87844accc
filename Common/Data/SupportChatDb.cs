using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SupportChat.Common.Data;

sealed class SupportChatDb(DbContextOptions<SupportChatDb> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<TranscriptJournalEntry> TranscriptJournal => Set<TranscriptJournalEntry>();
    public DbSet<SupervisorStats> SupervisorStats => Set<SupervisorStats>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<Attachment> Attachments => Set<Attachment>();

    /// <summary>Filter of the unique index that allows one open-or-assigned conversation per candidate.
    /// Quoted identifiers read the same in SQLite and PostgreSQL.</summary>
    public const string ActiveConversationFilter = "\"Status\" <> 'closed'";

    protected override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        conventions.Properties<ObjectId>().HaveConversion<ObjectIdToString>().HaveMaxLength(24).AreFixedLength(false);
        conventions.Properties<DateTime>().HaveConversion<AsUtc>();
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.HasPostgresExtension("pg_trgm");   // trusted since PostgreSQL 13: the database's owner may create it
        model.Entity<User>(user =>
        {
            user.HasKey(u => u.Id);
            user.Property(u => u.Name).HasMaxLength(100);
            user.Property(u => u.Email).HasMaxLength(320);
            user.Property(u => u.Role).HasMaxLength(16);
            user.HasIndex(u => u.Email).IsUnique();
            user.HasIndex(u => new { u.SupervisorId, u.Role });
            user.HasIndex(u => u.Role);   // analytics lists the supervisors: a few hundred among every candidate ever signed up
        });
        model.Entity<Conversation>(conversation =>
        {
            conversation.HasKey(c => c.Id);
            conversation.Property(c => c.Status).HasMaxLength(16);
            conversation.HasIndex(c => c.CandidateId).IsUnique().HasFilter(ActiveConversationFilter)
                .HasDatabaseName("IX_Conversations_CandidateId_Active");
            conversation.HasIndex(c => new { c.AgentId, c.Status });
            conversation.Property(c => c.Subject).HasMaxLength(Conversation.SubjectMaxLength);
            conversation.Property(c => c.SubjectLower).HasMaxLength(Conversation.SubjectMaxLength * 2);   // lower-casing may lengthen
            conversation.Property(c => c.Priority).HasMaxLength(16).HasDefaultValue(ConversationPriority.Normal);   // rows of an earlier release are normal
            // GET /conversations reads newest first, keyset on (CreatedAt, Id): one index per scope and per filter, each
            // ending in that order, so a page is one index range read in order that stops once the page is full.
            conversation.HasIndex(c => new { c.CreatedAt, c.Id });
            conversation.HasIndex(c => new { c.SupervisorId, c.CreatedAt, c.Id });
            conversation.HasIndex(c => new { c.SupervisorId, c.Status, c.CreatedAt, c.Id });
            conversation.HasIndex(c => new { c.AgentId, c.CreatedAt, c.Id });
            conversation.HasIndex(c => new { c.CandidateId, c.CreatedAt, c.Id });
            conversation.HasIndex(c => new { c.Status, c.CreatedAt, c.Id });
            conversation.HasIndex(c => new { c.Priority, c.CreatedAt, c.Id });
            // q is a substring search (LIKE '%q%'), which no B-tree serves: on PostgreSQL a trigram index finds a rare
            // subject without reading the whole inbox (BENCHMARKS.md "Inbox"). SQLite ignores the method and operator
            // class and gets a plain index it does not use for this; one model for both providers keeps one migration.
            conversation.HasIndex(c => c.SubjectLower).HasMethod("gin").HasOperators("gin_trgm_ops")
                .HasDatabaseName("IX_Conversations_SubjectLower_Trigram");
        });
        model.Entity<Message>(message =>
        {
            message.HasKey(m => new { m.ConversationId, m.Sequence });
            message.Property(m => m.SenderRole).HasMaxLength(16);
        });
        model.Entity<SupervisorStats>(stats => stats.HasKey(s => s.SupervisorId));
        model.Entity<TranscriptJournalEntry>(entry =>
        {
            entry.ToTable("TranscriptJournal");
            entry.HasKey(e => e.Id);
        });
        model.Entity<AuditEvent>(audit =>
        {
            audit.HasKey(e => e.Id);
            audit.Property(e => e.ActorRole).HasMaxLength(16);
            audit.Property(e => e.Action).HasMaxLength(32);
            // GET /admin/audit reads newest first, keyset on (At, Id): one index per filter, each ending in that order,
            // so any filter is a range scan that stops after a page instead of a sort of every matching event.
            audit.HasIndex(e => new { e.At, e.Id });
            audit.HasIndex(e => new { e.Action, e.At, e.Id });
            audit.HasIndex(e => new { e.ActorId, e.At, e.Id });
            audit.HasIndex(e => new { e.ConversationId, e.At, e.Id });
        });
        model.Entity<Attachment>(attachment =>
        {
            attachment.HasKey(a => a.Id);
            attachment.Property(a => a.FileName).HasMaxLength(Attachment.MaxFileNameLength);
            attachment.Property(a => a.FileType).HasMaxLength(64);
            attachment.HasIndex(a => a.ConversationId);
            // The cleanup job's question: unused uploads older than the retention (UsedAt IS NULL AND CreatedAt < cutoff).
            attachment.HasIndex(a => new { a.UsedAt, a.CreatedAt });
        });
    }

    sealed class ObjectIdToString() : ValueConverter<ObjectId, string>(id => id.ToString(), s => ObjectId.Parse(s, null));

    /// <summary>SQLite hands timestamps back without a kind; everything stored is UTC.</summary>
    sealed class AsUtc() : ValueConverter<DateTime, DateTime>(d => d, d => DateTime.SpecifyKind(d, DateTimeKind.Utc));
}
