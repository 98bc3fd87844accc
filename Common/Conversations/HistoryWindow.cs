namespace SupportChat.Common.Conversations;

/// <summary>
/// Which messages a page of GET /conversations/:id/messages holds (CONTRACT.md Part 2 "Routes"), the same for a live
/// transcript and a persisted one: seqs <see cref="FirstSeq"/> to <see cref="LastSeq"/> (empty when LastSeq &lt; FirstSeq),
/// and whether more exist beyond the page in the direction of the query.
/// </summary>
readonly record struct HistoryWindow(int FirstSeq, int LastSeq, bool HasMore)
{
    public int Count => Math.Max(0, LastSeq - FirstSeq + 1);

    /// <summary>
    /// Over seqs 1..<paramref name="lastSeq"/>: without <paramref name="before"/> and <paramref name="after"/> the last
    /// <paramref name="limit"/>; before=S the last <paramref name="limit"/> with seq &lt; S; after=S the first
    /// <paramref name="limit"/> with seq &gt; S. hasMore: older ones exist (newest pages) or newer ones do (after=).
    /// </summary>
    public static HistoryWindow Of(int lastSeq, int? before, int? after, int limit)
    {
        if (after is { } a)
        {
            var first = (int)Math.Min((long)a + 1, lastSeq + 1L);
            var last = (int)Math.Min((long)first + limit - 1, lastSeq);
            return new(first, last, last < lastSeq);
        }
        var end = before is { } b ? Math.Min(b - 1, lastSeq) : lastSeq;
        end = Math.Max(end, 0);
        var start = Math.Max(1, end - limit + 1);
        return new(start, end, end > 0 && start > 1);
    }
}
