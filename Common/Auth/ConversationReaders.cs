using System.Security.Claims;

namespace SupportChat.Common.Auth;

/// <summary>
/// Who may read a conversation (CONTRACT.md: <c>GET /conversations/:id</c>, and its attachments): admins any; a
/// supervisor, the assigned agent and the candidate their own.
/// </summary>
static class ConversationReaders
{
    public static bool MayRead(this ClaimsPrincipal caller, ObjectId candidateId, ObjectId? agentId, ObjectId supervisorId)
    {
        var me = caller.UserId();
        return caller.Role() switch
        {
            Roles.Admin => true,
            Roles.Supervisor => supervisorId == me,
            Roles.Agent => agentId == me,
            Roles.Candidate => candidateId == me,
            _ => false,
        };
    }
}
