using SupportChat.Common;

namespace SupportChat.Features.Analytics;

sealed record AnalyticsRow(ObjectId SupervisorId, string SupervisorName, int Agents, int ConversationsHandled);
