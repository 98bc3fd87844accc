using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Realtime;

/// <summary>
/// Writes to the transcript tables (a close into Messages, a checkpoint into the transcript journal), one write at a time.
/// SQLite allows one writer, and its driver waits for the write lock by sleeping on a thread-pool thread: a burst of
/// concurrent closes starved every other room for seconds. On PostgreSQL the gate keeps a burst from taking every
/// core and pooled connection. Rows go in without EF, whose per-row cost is paid on the same core that carries the chat.
/// </summary>
sealed class TranscriptWriter
{
    // Long writes yield this often so that relaying gets the core in between (SQLite's I/O is synchronous, and COPY
    // rows mostly go to a buffer without waiting).
    const int RowsBetweenYields = 100;
    const string Columns = "\"ConversationId\", \"Sequence\", \"SenderId\", \"SenderRole\", \"Content\", \"CreatedAt\", \"Attachments\"";
    readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Messages that take positions <c>FirstSequence</c> onwards in the conversation's transcript.</summary>
    public sealed record TranscriptRun(ObjectId ConversationId, int FirstSequence, IReadOnlyList<LiveMessage> Messages);

    readonly record struct Row(ObjectId ConversationId, int Sequence, LiveMessage Message);

    public async Task<T> ExclusiveAsync<T>(Func<Task<T>> write)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            return await write();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Inserts the runs into Messages atomically: in the current transaction if there is one, else in one of their own.
    /// On PostgreSQL as one binary COPY, on SQLite row by row through one prepared statement.
    /// </summary>
    public static async Task InsertAsync(SupportChatDb db, IReadOnlyList<TranscriptRun> runs)
    {
        // A placeholder for a message Redis lost (see LiveMessage.Lost) keeps its seq free rather than storing a blank message.
        Row[] rows = [.. runs.SelectMany(run => run.Messages.Select((message, i) => new Row(run.ConversationId, run.FirstSequence + i, message)))
            .Where(row => !row.Message.IsLost)];
        if (rows.Length == 0) return;
        await using var ownTransaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync() : null;
        var connection = db.Database.GetDbConnection();
        if (connection is NpgsqlConnection postgres) await CopyAsync(postgres, rows);
        else await InsertRowByRowAsync(connection, db.Database.CurrentTransaction!.GetDbTransaction(), rows);
        if (ownTransaction is not null) await ownTransaction.CommitAsync();
    }

    static async Task CopyAsync(NpgsqlConnection connection, Row[] rows)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY \"Messages\" ({Columns}) FROM STDIN (FORMAT BINARY)");
        for (var i = 0; i < rows.Length; i++)
        {
            var (conversationId, sequence, message) = rows[i];
            await importer.StartRowAsync();
            await importer.WriteAsync(conversationId.ToString(), NpgsqlDbType.Varchar);
            await importer.WriteAsync(sequence, NpgsqlDbType.Integer);
            await importer.WriteAsync(message.SenderId.ToString(), NpgsqlDbType.Varchar);
            await importer.WriteAsync(message.SenderRole, NpgsqlDbType.Varchar);
            await importer.WriteAsync(message.Content, NpgsqlDbType.Text);
            await importer.WriteAsync(message.CreatedAt, NpgsqlDbType.TimestampTz);
            if (MessageAttachment.ToColumn(message.Attachments) is { } attachments) await importer.WriteAsync(attachments, NpgsqlDbType.Text);
            else await importer.WriteNullAsync();
            // Rows are buffered and flushed synchronously most of the time: a long COPY yields like the SQLite path.
            if ((i + 1) % RowsBetweenYields == 0) await Task.Yield();
        }
        await importer.CompleteAsync();
    }

    /// <summary>
    /// One single-row INSERT, prepared once and executed per row. Multi-row INSERTs cost more on SQLite: its driver
    /// looks every parameter up by name in the statement on each execution, so 600 parameters meant 600 linear scans
    /// (measured: 20,000 rows in ~100 ms one by one, ~500 ms at 100 rows a statement).
    /// </summary>
    static async Task InsertRowByRowAsync(DbConnection connection, DbTransaction transaction, Row[] rows)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO \"Messages\" ({Columns}) VALUES (@conversation, @sequence, @sender, @role, @content, @createdAt, @attachments)";
        var parameters = new[] { "@conversation", "@sequence", "@sender", "@role", "@content", "@createdAt", "@attachments" }.Select(name =>
        {
            var parameter = insert.CreateParameter();
            parameter.ParameterName = name;
            insert.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        for (var i = 0; i < rows.Length; i++)
        {
            var (conversationId, sequence, message) = rows[i];
            parameters[0].Value = conversationId.ToString();
            parameters[1].Value = sequence;
            parameters[2].Value = message.SenderId.ToString();
            parameters[3].Value = message.SenderRole;
            parameters[4].Value = message.Content;
            parameters[5].Value = message.CreatedAt;
            parameters[6].Value = (object?)MessageAttachment.ToColumn(message.Attachments) ?? DBNull.Value;
            await insert.ExecuteNonQueryAsync();
            if ((i + 1) % RowsBetweenYields == 0) await Task.Yield();
        }
    }
}
