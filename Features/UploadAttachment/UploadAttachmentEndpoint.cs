using FastEndpoints;
using Microsoft.AspNetCore.Http.Features;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;

namespace SupportChat.Features.UploadAttachment;

/// <summary>
/// POST /conversations/{id}/attachments, the conversation's candidate (not closed) or its assigned agent (status
/// assigned): stores one file in the database for a later message's <c>attachmentIds</c> (CONTRACT.md "Attachments").
/// </summary>
sealed class UploadAttachmentEndpoint(SupportChatDb db, AttachmentSettings settings, TimeProvider clock)
    : Endpoint<UploadAttachmentRequest, Envelope<UploadAttachmentResponse>>
{
    /// <summary>
    /// Room for the multipart framing around the file (boundaries, the part's headers) and for the reader's read-ahead
    /// past the file's end; the file itself is counted exactly (<see cref="ReceivedFile"/>).
    /// </summary>
    const long FramingBytes = 1024 * 1024;

    public override void Configure()
    {
        Post("/conversations/{id}/attachments");
        Roles(Access.RolesThatMay(Permission.Reply));
        AllowFileUploads(dontAutoBindFormData: true);   // streamed below, never buffered by the framework
        Options(route => route.WithMetadata(new OwnBodyLimit()));
        // Any content type reaches the handler: routing's filter would answer a JSON body 415 with the JSON routes'
        // message; the reader below answers anything but one multipart "file" part 400 Invalid request schema.
        Description(route => route.Accepts<UploadAttachmentRequest>("multipart/form-data", "*/*").ProducesEnvelope<UploadAttachmentResponse>(201).ProducesErrors(400, 403, 404, 409, 413, 415));
        Summary(s =>
        {
            s.Summary = "Upload a file to a conversation";
            s.Description = "multipart/form-data with exactly one part named `file`. The type comes from the file's first bytes, never from its " +
                "name or Content-Type: PNG, JPEG, GIF, WebP, PDF or UTF-8 plain text, anything else 415. Larger than `Attachments__MaxBytes` " +
                "(10 MiB by default): 413, refused as soon as the limit is passed; empty: 400. The file name is kept as display text only. " +
                "Unless a message uses it within a day (`attachmentIds` of SEND_MESSAGE), the upload is deleted.";
        });
    }

    public override async Task HandleAsync(UploadAttachmentRequest req, CancellationToken ct)
    {
        var conversation = await db.FindUploadTargetAsync(req.Id, ct);
        if (conversation is null) { await Send.FailAsync(404, ErrorMessages.ConversationNotFound, ct); return; }
        if (RefusalFor(conversation) is { } refusal) { await Send.FailAsync(refusal.Status, refusal.Error, ct); return; }

        // Refused before a byte of the body is read when its declared length already says too large.
        var maxBody = settings.MaxBytes + FramingBytes;
        if (HttpContext.Request.ContentLength > maxBody) { await RefuseTooLargeAsync(ct); return; }
        if (HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBody;

        var (file, problem) = await ReceivedFile.ReadAsync(HttpContext.Request, settings.MaxBytes, ct);
        switch (problem)
        {
            case UploadProblem.TooLarge: await RefuseTooLargeAsync(ct); return;
            case UploadProblem.TypeNotAllowed: await Send.FailAsync(415, ErrorMessages.FileTypeNotAllowed, ct); return;
            case UploadProblem.Malformed or UploadProblem.Empty: await Send.FailAsync(400, ErrorMessages.InvalidSchema, ct); return;
        }

        await using (file)
        {
            var attachment = new Attachment
            {
                Id = ObjectId.NewId(),
                ConversationId = req.Id,
                UploaderId = User.UserId(),
                FileName = file!.FileName,
                FileType = file.FileType,
                FileSize = file.Length,
                CreatedAt = Truncated(clock.GetUtcNow().UtcDateTime),
            };
            await db.InsertAttachmentAsync(attachment, file.Content, ct);
            await Send.ResponseAsync(Envelope.Of(new UploadAttachmentResponse(attachment.Id, attachment.FileName, attachment.FileType,
                attachment.FileSize, MessageAttachment.IsImageType(attachment.FileType), attachment.CreatedAt)), 201, ct);
        }
    }

    /// <summary>The same role and status rules as sending a message: someone else's conversation 403, closed 409, an agent before it is assigned 409.</summary>
    (int Status, string Error)? RefusalFor(UploadTarget conversation)
    {
        var me = User.UserId();
        var participant = User.Role() == Common.Auth.Roles.Candidate ? conversation.CandidateId == me : conversation.AgentId == me;
        if (!participant) return (403, ErrorMessages.NotAllowed);
        if (conversation.Status == ConversationStatus.Closed) return (409, ErrorMessages.AlreadyClosed);
        if (User.Role() == Common.Auth.Roles.Agent && conversation.Status != ConversationStatus.Assigned) return (409, ErrorMessages.NotYetAssigned);
        return null;
    }

    /// <summary>
    /// The rest of the body is never read: the connection is closed after the answer, rather than drained, so a client
    /// still sending gigabytes stops at once.
    /// </summary>
    Task RefuseTooLargeAsync(CancellationToken ct)
    {
        HttpContext.Response.Headers.Connection = "close";
        return Send.FailAsync(413, ErrorMessages.FileTooLarge, ct);
    }

    static DateTime Truncated(DateTime utc) => utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMillisecond));
}
