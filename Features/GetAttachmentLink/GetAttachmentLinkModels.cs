using FastEndpoints;
using SupportChat.Common;

namespace SupportChat.Features.GetAttachmentLink;

sealed class GetAttachmentLinkRequest
{
    [RouteParam] public ObjectId Id { get; set; }
}

/// <summary>A link to the attachment that needs no token, e.g. for an <c>&lt;img src&gt;</c>.</summary>
/// <param name="Url">The path and query of the link, relative to the service's base URL (<c>/attachments/{id}?expires=...&amp;signature=...</c>).</param>
/// <param name="ExpiresAt">When the link stops working: 5 minutes after it was issued, to the second.</param>
sealed record GetAttachmentLinkResponse(string Url, DateTime ExpiresAt);

/// <summary>Who may read the attachment's conversation.</summary>
sealed record AttachmentReaders(ObjectId CandidateId, ObjectId? AgentId, ObjectId SupervisorId);
