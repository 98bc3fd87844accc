namespace SupportChat.Common.Data;

/// <summary>
/// Running totals per supervisor, so GET /admin/analytics reads one small row per supervisor instead of counting
/// every conversation ever closed. <see cref="ConversationsHandled"/> is raised in the same transaction as each close
/// of a conversation that has an agent (the agent's supervisor's row; an upsert creates it); migration
/// <c>SupervisorCounters</c> filled it for conversations closed before.
/// </summary>
sealed class SupervisorStats
{
    public required ObjectId SupervisorId { get; init; }
    /// <summary>Closed conversations whose agent is one of this supervisor's agents (CONTRACT.md, analytics).</summary>
    public int ConversationsHandled { get; init; }

    /// <summary>Computes every row from the conversations closed so far, into an empty table (migration, benchmarks).</summary>
    public const string FillFromClosedConversations = """
        INSERT INTO "SupervisorStats" ("SupervisorId", "ConversationsHandled")
        SELECT u."SupervisorId", COUNT(*)
          FROM "Conversations" c JOIN "Users" u ON u."Id" = c."AgentId"
         WHERE c."Status" = 'closed' AND u."SupervisorId" IS NOT NULL
         GROUP BY u."SupervisorId";
        """;
}
