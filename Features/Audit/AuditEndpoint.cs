using FastEndpoints;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Features.Audit;

/// <summary>GET /admin/audit, admins only: the audit trail, newest first, filtered and paged by cursor.</summary>
sealed class AuditEndpoint(SupportChatDb db, JwtSettings jwt) : Endpoint<AuditRequest, Envelope<AuditResponse>>
{
    public override void Configure()
    {
        Get("/admin/audit");
        Roles(Access.RolesThatMay(Permission.Administer));
        Description(route => route.ProducesErrors(400));
        Summary(s =>
        {
            s.Summary = "The audit trail";
            s.Description = "Who did what, newest first (ties by _id, descending): signups, conversations created, assigned, "
                + "joined by their agent and closed, failed logins. Events never contain message content, email addresses, "
                + "passwords or tokens. Each is written in the same transaction as the change it records. "
                + "Filters combine with AND; from is inclusive, to exclusive. nextCursor, passed back as cursor with the same "
                + "filters, gives the next page; it is null after the last. A page never repeats or skips an event, also "
                + "while new ones are written. Any malformed parameter (unknown action, an id that is not 24 hex characters, "
                + "a date that is not ISO-8601 with a time zone, limit outside 1–200, a cursor the server did not issue) is 400.";
        });
    }

    public override async Task HandleAsync(AuditRequest req, CancellationToken ct)
    {
        var (events, hasMore) = await db.GetAuditPageAsync(req.ToFilter(jwt), ct);
        var nextCursor = hasMore ? AuditCursor.Write(jwt, new AuditPosition(events[^1].At, events[^1].Id)) : null;
        await Send.OkAsync(Envelope.Of(new AuditResponse([.. events.Select(AuditItem.From)], nextCursor)), ct);
    }
}
