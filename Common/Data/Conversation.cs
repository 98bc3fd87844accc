namespace SupportChat.Common.Data;

static class ConversationStatus
{
    public const string Open = "open";
    public const string Assigned = "assigned";
    public const string Closed = "closed";

    /// <summary>Every status, as <c>GET /conversations?status=</c> names them.</summary>
    public static readonly string[] All = [Open, Assigned, Closed];
}

/// <summary>CONTRACT.md Part 2 "Conversation fields": how urgent a conversation is; <see cref="Normal"/> unless set.</summary>
static class ConversationPriority
{
    public const string Low = "low";
    public const string Normal = "normal";
    public const string High = "high";
    public const string Urgent = "urgent";

    public static readonly string[] All = [Low, Normal, High, Urgent];

    public static bool IsValid(string? priority) => priority is not null && All.Contains(priority, StringComparer.Ordinal);
}

sealed class Conversation
{
    public const int SubjectMaxLength = 200;

    public ObjectId Id { get; init; } = ObjectId.NewId();
    public required ObjectId CandidateId { get; init; }
    public required ObjectId SupervisorId { get; init; }
    public ObjectId? AgentId { get; set; }
    public string Status { get; set; } = ConversationStatus.Open;
    /// <summary>UTC, truncated to the microsecond (all PostgreSQL keeps), so the inbox's keyset cursor holds the value stored.</summary>
    public DateTime CreatedAt { get; init; } = MicrosecondNow();
    public DateTime? ClosedAt { get; set; }

    /// <summary>Stored trimmed, 1–200 code points; null when none was given or it was cleared.</summary>
    public string? Subject { get; set; }
    /// <summary><see cref="Subject"/> lower-cased (invariant culture): what <c>q</c> searches, the same way on SQLite and PostgreSQL.</summary>
    public string? SubjectLower { get; set; }
    /// <summary>One of <see cref="ConversationPriority"/>.</summary>
    public string Priority { get; set; } = ConversationPriority.Normal;
    /// <summary>The candidate side has read every message with seq up to this one (0: none); it never goes down.</summary>
    public int CandidateReadSeq { get; set; }
    /// <summary>The agent side (whoever is assigned) has read every message with seq up to this one (0: none); it never goes down.</summary>
    public int AgentReadSeq { get; set; }

    /// <summary>Sets <see cref="Subject"/> and its search form together.</summary>
    public void SetSubject(string? subject)
    {
        Subject = subject;
        SubjectLower = subject?.ToLowerInvariant();
    }

    public static DateTime MicrosecondNow()
    {
        var now = DateTime.UtcNow;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
