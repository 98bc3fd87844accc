using Microsoft.EntityFrameworkCore;
using SupportChat.Common;
using SupportChat.Common.Data;

namespace SupportChat.Features.UpdateConversation;

static class UpdateConversationData
{
    internal static Task<ObjectId?> FindSupervisorIdAsync(this SupportChatDb db, ObjectId id, CancellationToken ct) =>
        db.Conversations.AsNoTracking().Where(c => c.Id == id).Select(c => (ObjectId?)c.SupervisorId).SingleOrDefaultAsync(ct);

    /// <summary>
    /// Sets what the request changes and records it, in one transaction. The update is conditional on the values read just
    /// before, so the event's old priority and changed fields are the ones really replaced: when another change got in
    /// between, nothing is written and the read is done again. A request that changes nothing writes and records nothing
    /// (false).
    /// </summary>
    internal static async Task<bool> UpdateAsync(this SupportChatDb db, ObjectId id, UpdateConversationRequest req, AuditActor by, CancellationToken ct)
    {
        while (true)
        {
            var current = await db.Conversations.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Priority, c.Subject }).SingleAsync(ct);
            var priority = req.HasPriority ? req.NewPriority! : current.Priority;
            var subject = req.HasSubject ? req.NewSubject : current.Subject;
            List<string> fields = [];
            if (priority != current.Priority) fields.Add("priority");
            if (!string.Equals(subject, current.Subject, StringComparison.Ordinal)) fields.Add("subject");
            if (fields.Count == 0) return false;

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var (oldPriority, oldSubject, subjectLower) = (current.Priority, current.Subject, subject?.ToLowerInvariant());
            var updated = await db.Conversations
                .Where(c => c.Id == id && c.Priority == oldPriority && c.Subject == oldSubject)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.Priority, priority).SetProperty(c => c.Subject, subject)
                    .SetProperty(c => c.SubjectLower, subjectLower), ct);
            if (updated == 0) continue;   // rolled back as the transaction is disposed
            var priorityChanged = fields.Contains("priority");
            await db.AppendAuditAsync([AuditEvent.Updated(by, id, fields, priorityChanged ? oldPriority : null, priorityChanged ? priority : null)], ct);
            await transaction.CommitAsync(ct);
            return true;
        }
    }
}
