using FastEndpoints;
using Microsoft.Net.Http.Headers;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Features.GetAttachment;

/// <summary>
/// GET /attachments/{id}: the file's bytes, to anyone who may read its conversation (token as usual), or to anyone
/// holding a signed link from <c>GET /attachments/{id}/link</c>, with no token (CONTRACT.md "Attachments").
/// </summary>
sealed class GetAttachmentEndpoint(SupportChatDb db, JwtSettings jwt, TimeProvider clock) : Endpoint<GetAttachmentRequest>
{
    public override void Configure()
    {
        Get("/attachments/{id}");
        // Anonymous at the door: a signed link is its own credential. Without one, the handler asks for the token itself.
        AllowAnonymous();
        Description(route => route
            .Produces(200, typeof(byte[]), FileTypesServed[0], FileTypesServed[1..])
            .ProducesErrors(400, 401, 403, 404));
        Summary(s =>
        {
            s.Summary = "Download an attachment";
            s.Description = "The stored bytes, streamed. `Content-Type` is the stored type; `Content-Disposition` is `inline` for images and " +
                "`attachment` otherwise, with the file name per RFC 6266; `X-Content-Type-Options: nosniff` and `Cache-Control: private` always. " +
                "Either the bearer token of someone who may read the conversation (else 401, or 403 `Not allowed to access this conversation`), " +
                "or a signed link's `expires` and `signature` (no token needed; an expired or altered one is 403 `Link expired or invalid`)." +
                "\n\nRoles: anyone who may read the conversation (admin, its supervisor, assigned agent and candidate), or anyone with a signed link.";
        });
    }

    static readonly string[] FileTypesServed = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"];

    public override async Task HandleAsync(GetAttachmentRequest req, CancellationToken ct)
    {
        var signed = req.Expires is not null || req.Signature is not null;
        if (signed && !AttachmentLinks.IsValid(jwt, req.Id, req.Expires, req.Signature, clock.GetUtcNow()))
        {
            await Send.FailAsync(403, ErrorMessages.LinkInvalid, ct);
            return;
        }
        if (!signed && User.Identity?.IsAuthenticated != true) { await Send.FailAsync(401, ErrorMessages.Unauthorized, ct); return; }

        var attachment = await db.FindStoredAttachmentAsync(req.Id, ct);
        if (attachment is null) { await Send.FailAsync(404, ErrorMessages.NotFound, ct); return; }
        if (!signed && !User.MayRead(attachment.CandidateId, attachment.AgentId, attachment.SupervisorId))
        {
            await Send.FailAsync(403, ErrorMessages.NotAllowed, ct);
            return;
        }

        var response = HttpContext.Response;
        response.StatusCode = 200;
        // text/plain was accepted only as valid UTF-8, which is what the charset says; no browser guesses another.
        response.ContentType = attachment.FileType == "text/plain" ? "text/plain; charset=utf-8" : attachment.FileType;
        response.ContentLength = attachment.FileSize;
        var disposition = new ContentDispositionHeaderValue(MessageAttachment.IsImageType(attachment.FileType) ? "inline" : "attachment");
        disposition.SetHttpFileName(attachment.FileName);   // filename (ASCII fallback) and filename* (UTF-8), RFC 6266
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "private";
        // Opened directly, the file is a document of this origin: it may run nothing and load nothing.
        response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        if (!await db.CopyContentAsync(req.Id, response.Body, ct)) HttpContext.Abort();   // deleted between the two reads
    }
}
