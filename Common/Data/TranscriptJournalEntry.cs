namespace SupportChat.Common.Data;

/// <summary>
/// One checkpoint of live transcripts (see <c>Realtime/TranscriptStash.cs</c>): a row appended per checkpoint,
/// holding many conversations' new messages in one payload (<c>Realtime/TranscriptJournal.cs</c> gives the format),
/// so saving costs one sequential write however many messages there are. Rows are only ever appended, and removed
/// all together when a compaction replaces them with one copy of what is still live.
/// </summary>
sealed class TranscriptJournalEntry
{
    /// <summary>Increasing in the order entries were written; restore replays them in this order.</summary>
    public long Id { get; init; }
    public required DateTime WrittenAt { get; init; }
    /// <summary>UTF-8 JSON, about 60 KiB at most.</summary>
    public required byte[] Payload { get; init; }
}
