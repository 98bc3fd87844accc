using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Features.GetAttachment;

static class GetAttachmentData
{
    internal static Task<StoredAttachment?> FindStoredAttachmentAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Attachments.AsNoTracking().Where(a => a.Id == id)
            .Join(db.Conversations, a => a.ConversationId, c => c.Id,
                (a, c) => new StoredAttachment(a.FileName, a.FileType, a.FileSize, c.CandidateId, c.AgentId, c.SupervisorId))
            .SingleOrDefaultAsync(ct);

    /// <summary>
    /// Streams the stored bytes to <paramref name="destination"/> a chunk at a time, never holding the file whole:
    /// SQLite through its incremental blob I/O, PostgreSQL through a sequential-access reader. False when the row is gone.
    /// </summary>
    internal static async Task<bool> CopyContentAsync(this SupportChatDb db, ObjectId id, Stream destination, CancellationToken ct)
    {
        const int chunkBytes = 64 * 1024;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            await using var command = connection.CreateCommand();
            if (connection is NpgsqlConnection)
            {
                command.CommandText = """SELECT "Content" FROM "Attachments" WHERE "Id" = @id""";
                command.Parameters.Add(new NpgsqlParameter("id", id.ToString()));
                await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow, ct);
                if (!await reader.ReadAsync(ct)) return false;
                await using var content = reader.GetStream(0);
                await content.CopyToAsync(destination, chunkBytes, ct);
                return true;
            }
            command.CommandText = """SELECT rowid FROM "Attachments" WHERE "Id" = @id""";
            command.Parameters.Add(new SqliteParameter("id", id.ToString()));
            if (await command.ExecuteScalarAsync(ct) is not long rowId) return false;
            await using var blob = new SqliteBlob((SqliteConnection)connection, "Attachments", "Content", rowId, readOnly: true);
            await blob.CopyToAsync(destination, chunkBytes, ct);
            return true;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
