using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Features.UploadAttachment;

/// <summary>Who may upload to a conversation, and its status.</summary>
sealed record UploadTarget(ObjectId CandidateId, ObjectId? AgentId, string Status);

static class UploadAttachmentData
{
    internal static Task<UploadTarget?> FindUploadTargetAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Conversations.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new UploadTarget(c.CandidateId, c.AgentId, c.Status))
            .SingleOrDefaultAsync(ct);

    /// <summary>
    /// Inserts the row, then streams <paramref name="content"/> (positioned at 0, <see cref="Attachment.FileSize"/> bytes)
    /// into it, in one transaction, so no reader ever sees a half-written file. SQLite: a zeroblob of the right size
    /// filled through SQLite's incremental blob I/O. PostgreSQL: Npgsql sends a Stream parameter in chunks.
    /// </summary>
    internal static async Task InsertAttachmentAsync(this SupportChatDb db, Attachment attachment, Stream content, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Attachments.Add(attachment);
        await db.SaveChangesAsync(ct);
        db.Entry(attachment).State = EntityState.Detached;
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        if (connection is NpgsqlConnection)
        {
            command.CommandText = """UPDATE "Attachments" SET "Content" = @content WHERE "Id" = @id""";
            command.Parameters.Add(new NpgsqlParameter("content", NpgsqlDbType.Bytea) { Value = content });
            command.Parameters.Add(new NpgsqlParameter("id", attachment.Id.ToString()));
            await command.ExecuteNonQueryAsync(ct);
        }
        else
        {
            command.CommandText = """UPDATE "Attachments" SET "Content" = zeroblob(@size) WHERE "Id" = @id RETURNING rowid""";
            command.Parameters.Add(new SqliteParameter("size", attachment.FileSize));
            command.Parameters.Add(new SqliteParameter("id", attachment.Id.ToString()));
            var rowId = (long)(await command.ExecuteScalarAsync(ct))!;
            await using var blob = new SqliteBlob((SqliteConnection)connection, "Attachments", "Content", rowId);
            await content.CopyToAsync(blob, 64 * 1024, ct);
        }
        await transaction.CommitAsync(ct);
    }
}
