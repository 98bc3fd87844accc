using FastEndpoints;
using FluentValidation;
using SupportChat.Common;
using SupportChat.Common.Conversations;

namespace SupportChat.Features.ListMessages;

/// <summary>The path's conversation and the query of GET /conversations/:id/messages: <c>limit</c> and at most one of <c>before</c> / <c>after</c>.</summary>
sealed class ListMessagesRequest
{
    [RouteParam] public ObjectId Id { get; set; }
    /// <summary>Messages per page, 1–200; 50 when absent.</summary>
    [QueryParam] public int? Limit { get; set; }
    /// <summary>The last <c>limit</c> messages with a seq below this one (an integer ≥ 0).</summary>
    [QueryParam] public int? Before { get; set; }
    /// <summary>The first <c>limit</c> messages with a seq above this one (an integer ≥ 0).</summary>
    [QueryParam] public int? After { get; set; }

    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
}

/// <summary>Shape only: limit 1–200, before and after integers ≥ 0 and not both; anything else is 400 <c>Invalid request schema</c>.</summary>
sealed class ListMessagesValidator : Validator<ListMessagesRequest>
{
    public ListMessagesValidator()
    {
        RuleFor(r => r.Limit).InclusiveBetween(1, ListMessagesRequest.MaxLimit);
        RuleFor(r => r.Before).GreaterThanOrEqualTo(0);
        RuleFor(r => r.After).GreaterThanOrEqualTo(0);
        RuleFor(r => r).Must(r => r.Before is null || r.After is null).WithName("before");
    }
}

/// <summary>One page of a conversation's messages.</summary>
/// <param name="Items">Oldest first.</param>
/// <param name="HasMore">More messages exist beyond the page in the direction of the query: older ones without after, newer ones with it.</param>
sealed record ListMessagesResponse(IReadOnlyList<MessageObject> Items, bool HasMore);
