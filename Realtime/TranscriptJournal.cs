using System.Buffers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Realtime;

/// <summary>
/// The payload of one <see cref="Common.Data.TranscriptJournalEntry"/>: runs of live messages as UTF-8 JSON,
/// <c>[{"conversationId": "…", "firstSequence": 0, "messages": [{"senderId": "…", "senderRole": "agent",
/// "content": "…", "createdAt": "2026-11-30T17:40:00.123Z"}]}]</c> (optional per message: <c>attachments</c>, <c>clientMessageId</c>), where <c>firstSequence</c> is the zero-based
/// position of the run's first message in its conversation's transcript. JSON rather than a binary layout so that
/// the migration from the per-message LiveMessages table could build it in SQL on both providers, and an operator
/// can read it with <c>sqlite3</c> or <c>psql</c>.
/// </summary>
static class TranscriptJournal
{
    /// <summary>
    /// A payload is cut after the message that takes it past this many bytes: below the large-object heap's 85,000
    /// bytes, since every large array counts toward a gen2 collection, which walks every live transcript in memory.
    /// </summary>
    public const int MaxPayloadBytes = 60 * 1024;

    /// <summary>Journal rows per insert round trip: about 480 KiB of messages.</summary>
    const int RowsPerRoundTrip = 8;

    // One per thread and kept (Encode never awaits): a checkpoint reuses it instead of growing a new one each time.
    [ThreadStatic] static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>
    /// Encodes <paramref name="runs"/> into payloads of about <paramref name="maxPayloadBytes"/> bytes each (one
    /// message more at most), cutting a run where a payload fills up; no payload for no messages. Not reentrant on one
    /// thread (it never awaits, so it cannot be).
    /// </summary>
    public static List<byte[]> Encode(IEnumerable<TranscriptWriter.TranscriptRun> runs, int maxPayloadBytes = MaxPayloadBytes)
    {
        var payloads = new List<byte[]>();
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(2 * MaxPayloadBytes);
        buffer.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Json.Options.Encoder });
        var open = false;
        foreach (var run in runs)
        {
            for (var i = 0; i < run.Messages.Count; i++)
            {
                if (i == 0 || !open)
                {
                    if (!open)
                    {
                        writer.WriteStartArray();
                        open = true;
                    }
                    writer.WriteStartObject();
                    writer.WriteString("conversationId"u8, run.ConversationId.ToString());
                    writer.WriteNumber("firstSequence"u8, run.FirstSequence + i);
                    writer.WriteStartArray("messages"u8);
                }
                var message = run.Messages[i];
                writer.WriteStartObject();
                writer.WriteString("senderId"u8, message.SenderId.ToString());
                writer.WriteString("senderRole"u8, message.SenderRole);
                writer.WriteString("content"u8, message.Content);
                writer.WritePropertyName("createdAt"u8);
                Json.WriteUtcMilliseconds(writer, message.CreatedAt);
                if (message.Attachments is { Count: > 0 } attachments)   // absent without any, so older payloads read the same
                {
                    writer.WritePropertyName("attachments"u8);
                    JsonSerializer.Serialize(writer, attachments, Json.Options);
                }
                if (message.ClientMessageId is { } clientMessageId) writer.WriteString("clientMessageId"u8, clientMessageId);   // likewise optional
                writer.WriteEndObject();
                if (buffer.WrittenCount + writer.BytesPending < maxPayloadBytes) continue;
                writer.WriteEndArray();
                writer.WriteEndObject();
                Cut();
            }
            if (open && run.Messages.Count > 0)
            {
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
        }
        if (open) Cut();
        return payloads;

        void Cut()
        {
            writer.WriteEndArray();
            writer.Flush();
            payloads.Add(buffer.WrittenSpan.ToArray());
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            open = false;
        }
    }

    /// <summary>
    /// Appends one <see cref="TranscriptJournalEntry"/> per payload, and with <paramref name="replace"/> deletes every
    /// entry written before them, in one transaction. Callers serialize writes (<see cref="TranscriptWriter.ExclusiveAsync"/>).
    /// </summary>
    public static async Task AppendAsync(SupportChatDb db, IReadOnlyList<byte[]> payloads, DateTime writtenAt, bool replace)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var lastBefore = replace ? await db.TranscriptJournal.MaxAsync(e => (long?)e.Id) : null;
        // Rows go in groups (one round trip each on PostgreSQL); SQLite's I/O is synchronous, so between groups the
        // core goes back to relaying.
        foreach (var group in payloads.Chunk(RowsPerRoundTrip))
        {
            db.TranscriptJournal.AddRange(group.Select(payload => new TranscriptJournalEntry { WrittenAt = writtenAt, Payload = payload }));
            await db.SaveChangesAsync();
            await Task.Yield();
        }
        if (lastBefore is { } last) await db.TranscriptJournal.Where(e => e.Id <= last).ExecuteDeleteAsync();
        await transaction.CommitAsync();
        db.ChangeTracker.Clear();   // the payloads are written: nothing should keep them alive
    }

    sealed record JournalMessage(string SenderId, string SenderRole, string Content, DateTime CreatedAt, MessageAttachment[]? Attachments = null,
        string? ClientMessageId = null);
    sealed record JournalRun(string ConversationId, int FirstSequence, JournalMessage[] Messages);

    static readonly JsonSerializerOptions ReadOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The runs of one payload, in the order they were written. Throws <see cref="JsonException"/> on a payload this class did not write.</summary>
    public static IEnumerable<TranscriptWriter.TranscriptRun> Decode(byte[] payload) =>
        (JsonSerializer.Deserialize<JournalRun[]>(payload, ReadOptions) ?? []).Select(run => new TranscriptWriter.TranscriptRun(
            ObjectId.Parse(run.ConversationId), run.FirstSequence,
            [.. run.Messages.Select(m => new LiveMessage(ObjectId.Parse(m.SenderId), m.SenderRole, m.Content, m.CreatedAt.ToUniversalTime(), m.Attachments, m.ClientMessageId))]));
}
