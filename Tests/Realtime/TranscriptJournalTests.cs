using System.Text;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Realtime;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

/// <summary>The journal's payload format: what is encoded comes back exactly, cut into payloads of bounded size.</summary>
[Trait("Engine", "InProcess")]   // the in-process engine's journal; the Redis engine keeps the transcript in Redis
public sealed class TranscriptJournalTests
{
    [Fact]
    public void Runs_come_back_exactly_as_encoded_text_and_timestamps_included()
    {
        var sender = ObjectId.NewId();
        var at = new DateTime(2026, 11, 30, 17, 40, 1, 123, DateTimeKind.Utc);
        TranscriptWriter.TranscriptRun[] runs =
        [
            new(ObjectId.NewId(), 0, [new LiveMessage(sender, "candidate", "quote \" backslash \\ <b>tag</b> \u2028 zoë 🎉\ttab\nline", at)]),
            new(ObjectId.NewId(), 41, [new LiveMessage(sender, "agent", "", at.AddMilliseconds(1)), new LiveMessage(sender, "agent", "second", at.AddDays(1))]),
        ];

        var payloads = TranscriptJournal.Encode(runs);

        payloads.Count.ShouldBe(1);
        var decoded = TranscriptJournal.Decode(payloads[0]).ToList();
        decoded.Select(r => (r.ConversationId, r.FirstSequence)).ShouldBe(runs.Select(r => (r.ConversationId, r.FirstSequence)));
        decoded.SelectMany(r => r.Messages).ShouldBe(runs.SelectMany(r => r.Messages));
        decoded.SelectMany(r => r.Messages).ShouldAllBe(m => m.CreatedAt.Kind == DateTimeKind.Utc);
    }

    [Fact]
    public void A_full_payload_is_cut_inside_a_run_and_the_next_one_carries_on_at_the_right_position()
    {
        var sender = ObjectId.NewId();
        var content = new string('x', 1000);
        TranscriptWriter.TranscriptRun[] runs =
        [
            new(ObjectId.NewId(), 7, [.. Enumerable.Range(0, 25).Select(i => new LiveMessage(sender, "candidate", $"{i} {content}", DateTime.UnixEpoch))]),
            new(ObjectId.NewId(), 0, [.. Enumerable.Range(0, 3).Select(i => new LiveMessage(sender, "agent", $"{i}", DateTime.UnixEpoch))]),
        ];

        var payloads = TranscriptJournal.Encode(runs, maxPayloadBytes: 10_000);

        payloads.Count.ShouldBe(3);
        // Each payload but the last stops at the first message that takes it past the limit: one message more at most.
        payloads.SkipLast(1).ShouldAllBe(p => p.Length >= 10_000 && p.Length < 10_000 + 1_200);
        var decoded = payloads.SelectMany(TranscriptJournal.Decode).ToList();
        var first = decoded.Where(r => r.ConversationId == runs[0].ConversationId).ToList();
        first.Count.ShouldBe(3, "the long run is cut twice");
        for (var i = 1; i < first.Count; i++) first[i].FirstSequence.ShouldBe(first[i - 1].FirstSequence + first[i - 1].Messages.Count);
        first[0].FirstSequence.ShouldBe(7);
        decoded.Last().ShouldSatisfyAllConditions(r => r.ConversationId.ShouldBe(runs[1].ConversationId), r => r.FirstSequence.ShouldBe(0));
        decoded.SelectMany(r => r.Messages).ShouldBe(runs.SelectMany(r => r.Messages));
    }

    [Fact]
    public void No_messages_make_no_payload()
    {
        TranscriptJournal.Encode([new(ObjectId.NewId(), 3, [])]).ShouldBeEmpty();
        TranscriptJournal.Encode([]).ShouldBeEmpty();
    }

    [Fact]
    public void A_payload_is_plain_json_an_operator_can_read()
    {
        var conversation = ObjectId.NewId();
        var payload = TranscriptJournal.Encode([new(conversation, 2, [new LiveMessage(conversation, "agent", "hi", DateTime.UnixEpoch)])])[0];

        Encoding.UTF8.GetString(payload).ShouldBe(
            $$"""[{"conversationId":"{{conversation}}","firstSequence":2,"messages":[{"senderId":"{{conversation}}","senderRole":"agent","content":"hi","createdAt":"1970-01-01T00:00:00.000Z"}]}]""");
    }

    [Fact]
    public void A_client_message_id_is_journaled_as_an_optional_field_and_older_payloads_read_without_one()
    {
        var conversation = ObjectId.NewId();
        var message = new LiveMessage(conversation, "candidate", "hi", DateTime.UnixEpoch, ClientMessageId: "c-1");

        var payload = TranscriptJournal.Encode([new(conversation, 0, [message])])[0];

        Encoding.UTF8.GetString(payload).ShouldContain("\"createdAt\":\"1970-01-01T00:00:00.000Z\",\"clientMessageId\":\"c-1\"}");
        TranscriptJournal.Decode(payload).Single().Messages.ShouldBe([message]);
        var older = Encoding.UTF8.GetBytes(
            $$"""[{"conversationId":"{{conversation}}","firstSequence":0,"messages":[{"senderId":"{{conversation}}","senderRole":"agent","content":"hi","createdAt":"1970-01-01T00:00:00.000Z"}]}]""");
        TranscriptJournal.Decode(older).Single().Messages.Single().ClientMessageId.ShouldBeNull();
    }
}

/// <summary>Checkpoints append to the journal; once closed conversations' messages outweigh the live ones, a compaction rewrites it.</summary>
[Trait("Engine", "InProcess")]   // reads the TranscriptJournal table, which the Redis engine leaves alone
public sealed class TranscriptJournalCompactionTests(TranscriptJournalCompactionTests.FastCheckpoints app)
    : IClassFixture<TranscriptJournalCompactionTests.FastCheckpoints>
{
    public sealed class FastCheckpoints : TestApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Realtime:CheckpointSeconds", "0.05"),
            new("Realtime:CompactAfterMessages", "0"),
        ];
    }

    [Fact]
    public async Task Closed_conversations_leave_the_journal_at_the_next_compaction_and_live_ones_stay_whole()
    {
        await using var closing = await app.JoinedChatAsync();
        await using var live = await app.JoinedChatAsync();
        string[] closingTexts = ["c1", "c2", "c3", "c4"], liveTexts = ["l1", "l2"];
        foreach (var text in closingTexts) await SendAsync(closing, text);
        await SendAsync(live, liveTexts[0]);
        await JournalShouldBecomeAsync(j => j.ContainsKey(closing.Id) && j[closing.Id].SequenceEqual(closingTexts));

        await closing.Agent.SendAsync("CLOSE_CONVERSATION", new { conversationId = closing.Id });
        await closing.Candidate.ExpectAsync("CONVERSATION_CLOSED");
        await SendAsync(live, liveTexts[1]);

        // Four closed messages outweigh the live ones: the journal ends up holding the live transcript alone, once.
        var journal = await JournalShouldBecomeAsync(j => !j.ContainsKey(closing.Id) && j.ContainsKey(live.Id) && j[live.Id].Count == 2);
        journal[live.Id].ShouldBe(liveTexts);
        (await app.WithDbAsync(db => db.Messages.Where(m => m.ConversationId == ObjectId.Parse(closing.Id)).OrderBy(m => m.Sequence)
            .Select(m => m.Content).ToListAsync())).ShouldBe(closingTexts);
    }

    static async Task SendAsync(JoinedChat chat, string content)
    {
        await chat.Candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content });
        await chat.Agent.ExpectAsync("NEW_MESSAGE");
    }

    /// <summary>The journal's messages per conversation, each run placed at its position, polled until <paramref name="done"/> holds.</summary>
    async Task<Dictionary<string, List<string>>> JournalShouldBecomeAsync(Func<Dictionary<string, List<string>>, bool> done)
    {
        var deadline = DateTime.UtcNow + TestSocket.FrameTimeout;
        while (true)
        {
            var payloads = await app.WithDbAsync(db => db.TranscriptJournal.OrderBy(e => e.Id).Select(e => e.Payload).ToListAsync());
            var journal = new Dictionary<string, List<string>>();
            foreach (var run in payloads.SelectMany(TranscriptJournal.Decode))
            {
                var texts = journal.TryGetValue(run.ConversationId.ToString(), out var known) ? known : journal[run.ConversationId.ToString()] = [];
                texts.Count.ShouldBe(run.FirstSequence, "runs of one conversation follow each other without gap or overlap");
                texts.AddRange(run.Messages.Select(m => m.Content));
            }
            if (done(journal)) return journal;
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"The journal never got there: {string.Join("; ", journal.Select(j => $"{j.Key}: {string.Join(",", j.Value)}"))}");
            await Task.Delay(20);
        }
    }
}
