using System.Text.Json;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Realtime;

public sealed class SendMessageTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task Message_reaches_the_other_participant_but_not_the_sender()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);

        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "Hi, I need help" });

        var frame = await agent.ExpectAsync("NEW_MESSAGE");
        frame.Data.GetProperty("conversationId").GetString().ShouldBe(chat.Id);
        frame.Data.GetProperty("senderId").GetString().ShouldBe(chat.Candidate.Id);
        frame.Data.GetProperty("senderRole").GetString().ShouldBe("candidate");
        frame.Data.GetProperty("content").GetString().ShouldBe("Hi, I need help");
        frame.Data.GetProperty("createdAt").GetString()!.ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
        await candidate.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task Other_tabs_of_the_sender_receive_the_message()
    {
        var chat = await app.AssignedConversationAsync();
        await using var tab1 = await app.ConnectAsync(chat.Candidate);
        await using var tab2 = await app.ConnectAsync(chat.Candidate);
        await tab1.JoinAsync(chat.Id);
        await tab2.JoinAsync(chat.Id);

        await tab1.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "from tab 1" });

        (await tab2.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe("from tab 1");
        await tab1.ShouldReceiveNothingAsync();
    }

    [Fact]
    public async Task Sending_without_joining_is_refused()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "hello?" });
        await candidate.ExpectErrorAsync("You must join the conversation first");
    }

    [Theory]
    [InlineData("""{"conversationId":"%ID%"}""")]
    [InlineData("""{"conversationId":"%ID%","content":""}""")]
    [InlineData("""{"conversationId":"%ID%","content":"   \n\t "}""")]
    [InlineData("""{"conversationId":"%ID%","content":42}""")]
    [InlineData("""{"content":"hello"}""")]
    [InlineData("""{"conversationId":"not-an-id","content":"hello"}""")]
    [InlineData("""{"conversationId":12,"content":"hello"}""")]
    public async Task Malformed_data_is_an_invalid_request_schema(string data)
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await candidate.JoinAsync(chat.Id);
        await candidate.SendRawAsync($$"""{"event":"SEND_MESSAGE","data":{{data.Replace("%ID%", chat.Id)}}}""");
        await candidate.ExpectErrorAsync("Invalid request schema");
    }

    [Theory]
    [InlineData("supervisor")]
    [InlineData("admin")]
    public async Task Supervisors_and_admins_may_not_send_and_the_role_is_checked_before_the_data(string role)
    {
        var chat = await app.AssignedConversationAsync();
        var user = role == "supervisor" ? chat.Supervisor : await app.NewUserAsync("admin");
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var socket = await app.ConnectAsync(user);
        await candidate.JoinAsync(chat.Id);

        await socket.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "a word from above" });
        await socket.ExpectErrorAsync("Forbidden for this role");
        await socket.SendRawAsync("""{"event":"SEND_MESSAGE","data":{"conversationId":1}}""");
        await socket.ExpectErrorAsync("Forbidden for this role");

        await candidate.ShouldReceiveNothingAsync();
        (await app.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed().GetProperty("messages").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Content_is_limited_to_5000_characters_after_trimming_and_delivered_as_sent()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);

        var longest = "  " + new string('x', 5000) + "  ";
        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = longest });
        (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe(longest);

        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = new string('x', 5001) });
        await candidate.ExpectErrorAsync("Invalid request schema");
        await agent.ShouldReceiveNothingAsync();
    }

    public static TheoryData<string, bool> ContentLengths => new()
    {
        { new string('a', 4999) + "😀", true },
        { string.Concat(Enumerable.Repeat("😀", 5000)), true },            // 5,000 code points, 10,000 UTF-16 units
        { " " + string.Concat(Enumerable.Repeat("👩‍💻", 1250)), true },      // 3 code points each (woman, joiner, laptop)
        { string.Concat(Enumerable.Repeat("😀", 5001)), false },
        { new string('a', 5000) + "😀", false },
        { "\uD83D", true },                                                 // a lone surrogate is one code point
    };

    [Theory]
    [MemberData(nameof(ContentLengths))]
    public async Task Content_length_counts_unicode_code_points(string content, bool accepted)
    {
        await using var chat = await app.JoinedChatAsync();
        var (candidate, agent) = (chat.Candidate, chat.Agent);

        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content });
        if (accepted)
        {
            (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe(content);
            await candidate.ShouldReceiveNothingAsync();
        }
        else
        {
            await candidate.ExpectErrorAsync("Invalid request schema");
            await agent.ShouldReceiveNothingAsync();
        }
    }

    [Theory]
    [InlineData("nul \u0000 inside", false)]
    [InlineData("bell \u0007", false)]
    [InlineData("\u001b[31mred", false)]
    [InlineData("unit separator \u001f", false)]
    [InlineData("tab\tline\nreturn\r\n", true)]
    [InlineData("<script>alert(1)</script> & \u007f \u0085 \u200b", true)]   // plain text, kept as sent; C1 and others are not C0
    public async Task Content_with_a_C0_control_character_other_than_tab_LF_CR_is_refused(string content, bool accepted)
    {
        await using var chat = await app.JoinedChatAsync();
        var (candidate, agent) = (chat.Candidate, chat.Agent);

        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content });
        if (accepted) (await agent.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString().ShouldBe(content);
        else
        {
            await candidate.ExpectErrorAsync("Invalid request schema");
            await agent.ShouldReceiveNothingAsync();
        }
    }

    [Fact]
    public async Task Get_shows_exactly_the_live_transcript()
    {
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await candidate.JoinAsync(chat.Id);
        await agent.JoinAsync(chat.Id);

        await candidate.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "one" });
        await agent.ExpectAsync("NEW_MESSAGE");
        await agent.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = "two" });
        await candidate.ExpectAsync("NEW_MESSAGE");

        var data = (await app.GetAsync($"/conversations/{chat.Id}", chat.Candidate.Token)).ShouldSucceed();
        data.GetProperty("status").GetString().ShouldBe("assigned");
        var messages = data.GetProperty("messages").EnumerateArray().ToList();
        messages.Select(m => m.GetProperty("content").GetString()).ShouldBe(["one", "two"]);
        messages.Select(m => m.GetProperty("senderRole").GetString()).ShouldBe(["candidate", "agent"]);
        messages[1].GetProperty("senderId").GetString().ShouldBe(chat.Agent.Id);
    }

    [Fact]
    public async Task Two_senders_at_once_produce_one_order_seen_by_every_receiver_and_by_get()
    {
        const int perSender = 500;
        var chat = await app.AssignedConversationAsync();
        await using var candidate = await app.ConnectAsync(chat.Candidate);
        await using var agent = await app.ConnectAsync(chat.Agent);
        await using var candidateWatcher = await app.ConnectAsync(chat.Candidate);
        await using var agentWatcher = await app.ConnectAsync(chat.Agent);
        foreach (var socket in new[] { candidate, agent, candidateWatcher, agentWatcher }) await socket.JoinAsync(chat.Id);

        async Task SendAll(TestSocket socket, string prefix)
        {
            for (var i = 0; i < perSender; i++)
                await socket.SendAsync("SEND_MESSAGE", new { conversationId = chat.Id, content = $"{prefix}{i}" });
        }
        async Task<List<string>> Collect(TestSocket socket, int count)
        {
            var seen = new List<string>(count);
            while (seen.Count < count) seen.Add((await socket.ExpectAsync("NEW_MESSAGE")).Data.GetProperty("content").GetString()!);
            return seen;
        }

        var watching = new[] { Collect(candidateWatcher, 2 * perSender), Collect(agentWatcher, 2 * perSender) };
        var candidateSees = Collect(candidate, perSender);
        var agentSees = Collect(agent, perSender);
        await Task.WhenAll(SendAll(candidate, "c"), SendAll(agent, "a"));
        var orders = await Task.WhenAll(watching);

        var transcript = (await app.GetAsync($"/conversations/{chat.Id}", chat.Agent.Token)).ShouldSucceed()
            .GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()!).ToList();
        transcript.Count.ShouldBe(2 * perSender);
        orders[0].ShouldBe(transcript);
        orders[1].ShouldBe(transcript);
        (await candidateSees).ShouldBe(transcript.Where(c => c.StartsWith('a')).ToList());
        (await agentSees).ShouldBe(transcript.Where(c => c.StartsWith('c')).ToList());
        transcript.Where(c => c.StartsWith('c')).ShouldBe(Enumerable.Range(0, perSender).Select(i => $"c{i}"));   // each sender's own order kept
    }
}
