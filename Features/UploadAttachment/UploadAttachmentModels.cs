using System.Text.Json.Serialization;
using FastEndpoints;
using SupportChat.Common;

namespace SupportChat.Features.UploadAttachment;

/// <summary>The conversation from the route; the body is <c>multipart/form-data</c> with one part named <c>file</c>, read as a stream by the endpoint.</summary>
sealed class UploadAttachmentRequest
{
    [RouteParam] public ObjectId Id { get; set; }

    /// <summary>The file: PNG, JPEG, GIF, WebP, PDF or UTF-8 plain text, decided from its bytes; at most <c>Attachments__MaxBytes</c>
    /// bytes (10 MiB by default). Never bound by the framework (the endpoint streams it): declared for the OpenAPI document's multipart body.</summary>
    public IFormFile? File { get; set; }
}

/// <summary>201: the stored upload, to be sent in a message's <c>attachmentIds</c>.</summary>
/// <param name="Id">The attachment's id.</param>
/// <param name="FileName">The client's file name as display text: path separators and control characters removed, at most 200 characters.</param>
/// <param name="FileType">The MIME type decided from the bytes: image/png, image/jpeg, image/gif, image/webp, application/pdf or text/plain.</param>
/// <param name="FileSize">Size in bytes.</param>
/// <param name="IsImage">PNG, JPEG, GIF or WebP: served inline.</param>
/// <param name="CreatedAt">When it was stored; unless a message uses it, it is deleted a day later.</param>
sealed record UploadAttachmentResponse(
    [property: JsonPropertyName("_id")] ObjectId Id,
    string FileName,
    string FileType,
    long FileSize,
    bool IsImage,
    DateTime CreatedAt);
