using SupportChat.Common;
using SupportChat.Realtime;

namespace SupportChat.Tests.Realtime;

public sealed class CheckpointBatchTests
{
    [Fact]
    public void Runs_are_packed_into_full_transactions_and_cut_where_one_fills_up()
    {
        var runs = new[] { Run(firstSequence: 0, count: 600), Run(firstSequence: 50, count: 700), Run(firstSequence: 3, count: 10) };

        var batches = TranscriptStash.InTransactionSizedBatches(runs).ToList();

        batches.Select(batch => batch.Sum(run => run.Messages.Count)).ShouldBe([TranscriptStash.RowsPerTransaction, 310]);
        batches.SelectMany(batch => batch).Select(run => (run.ConversationId, run.FirstSequence, run.Messages.Count)).ShouldBe(
        [
            (runs[0].ConversationId, 0, 600),
            (runs[1].ConversationId, 50, 400),
            (runs[1].ConversationId, 450, 300),
            (runs[2].ConversationId, 3, 10),
        ]);
        // Every message exactly once, in order, at the position it had in its run.
        batches.SelectMany(batch => batch).Where(run => run.ConversationId == runs[1].ConversationId).SelectMany(run => run.Messages)
            .ShouldBe(runs[1].Messages);
    }

    static TranscriptWriter.TranscriptRun Run(int firstSequence, int count)
    {
        var sender = ObjectId.NewId();
        return new(ObjectId.NewId(), firstSequence, [.. Enumerable.Range(0, count).Select(i => new LiveMessage(sender, "candidate", $"message {i}", DateTime.UnixEpoch))]);
    }
}
