using System.Text;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Realtime;

/// <summary>
/// Writes runs of transcript messages (a close into Messages, a checkpoint into LiveMessages), one write at a time.
/// SQLite allows one writer, and its driver waits for the write lock by sleeping on a thread-pool thread: a burst of
/// concurrent closes starved every other room for seconds. On PostgreSQL the gate keeps a burst from taking every
/// core and pooled connection. Rows go in as multi-row INSERTs: EF's change tracking cost ~10x more per row, paid
/// on the same core that carries the chat.
/// </summary>
sealed class TranscriptWriter
{
    public const int RowsPerStatement = 100;   // 600 parameters a statement, far under SQLite's 32,766
    readonly SemaphoreSlim _gate = new(1, 1);

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

    /// <summary>Inserts <paramref name="messages"/> as positions <paramref name="firstSequence"/> onwards of the conversation's transcript.</summary>
    public static async Task InsertAsync(SupportChatDb db, string table, ObjectId conversationId, int firstSequence, IReadOnlyList<LiveMessage> messages)
    {
        for (var start = 0; start < messages.Count; start += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, messages.Count - start);
            var sql = new StringBuilder($"INSERT INTO \"{table}\" (\"ConversationId\", \"Sequence\", \"SenderId\", \"SenderRole\", \"Content\", \"CreatedAt\") VALUES ");
            var values = new object[count * 6];
            for (var i = 0; i < count; i++)
            {
                var message = messages[start + i];
                var p = i * 6;
                sql.Append(i == 0 ? "" : ", ").Append($"({{{p}}}, {{{p + 1}}}, {{{p + 2}}}, {{{p + 3}}}, {{{p + 4}}}, {{{p + 5}}})");
                values[p] = conversationId.ToString();
                values[p + 1] = firstSequence + start + i;
                values[p + 2] = message.SenderId.ToString();
                values[p + 3] = message.SenderRole;
                values[p + 4] = message.Content;
                values[p + 5] = message.CreatedAt;
            }
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), values);
        }
    }
}
