using FastEndpoints;
using SupportChat.Common;

namespace SupportChat.Features.GetAttachment;

/// <summary>The attachment from the route; <c>expires</c> and <c>signature</c> only in a signed link from <c>GET /attachments/:id/link</c>.</summary>
sealed class GetAttachmentRequest
{
    [RouteParam] public ObjectId Id { get; set; }

    /// <summary>Signed links only: when the link stops working, in Unix seconds.</summary>
    [QueryParam] public string? Expires { get; set; }

    /// <summary>Signed links only: the server's HMAC over the id and <c>expires</c>, base64url.</summary>
    [QueryParam] public string? Signature { get; set; }
}

/// <summary>What the download needs to know before it streams the bytes: how to label them and who may read them.</summary>
sealed record StoredAttachment(string FileName, string FileType, long FileSize, ObjectId CandidateId, ObjectId? AgentId, ObjectId SupervisorId);
