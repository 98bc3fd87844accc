using FastEndpoints;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Features.GetAttachmentLink;

/// <summary>GET /attachments/{id}/link, anyone who may read the attachment's conversation: a signed URL for it, valid 5 minutes, usable without a token.</summary>
sealed class GetAttachmentLinkEndpoint(SupportChatDb db, JwtSettings jwt, TimeProvider clock)
    : Endpoint<GetAttachmentLinkRequest, Envelope<GetAttachmentLinkResponse>>
{
    public override void Configure()
    {
        Get("/attachments/{id}/link");
        Roles(Access.RolesThatMay(Permission.ViewConversation));
        Description(route => route.ProducesEnvelope<GetAttachmentLinkResponse>().ProducesErrors(400, 403, 404));
        Summary(s =>
        {
            s.Summary = "A signed link to an attachment";
            s.Description = "The link works for this attachment only, for 5 minutes, without a token (e.g. in an `<img src>`): " +
                "an HMAC over the id and the expiry, keyed from the service's secret. Same access as the download: 403 " +
                "`Not allowed to access this conversation` for anyone who may not read the conversation.";
        });
    }

    public override async Task HandleAsync(GetAttachmentLinkRequest req, CancellationToken ct)
    {
        var readers = await db.FindAttachmentReadersAsync(req.Id, ct);
        if (readers is null) { await Send.FailAsync(404, ErrorMessages.NotFound, ct); return; }
        if (!User.MayRead(readers.CandidateId, readers.AgentId, readers.SupervisorId)) { await Send.FailAsync(403, ErrorMessages.NotAllowed, ct); return; }

        var now = clock.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()) + AttachmentLinks.Lifetime;
        await Send.OkAsync(Envelope.Of(new GetAttachmentLinkResponse(AttachmentLinks.Write(jwt, req.Id, expiresAt), expiresAt.UtcDateTime)), ct);
    }
}
