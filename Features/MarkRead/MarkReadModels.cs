using System.Text.Json.Serialization;
using FastEndpoints;
using FluentValidation;
using SupportChat.Common;

namespace SupportChat.Features.MarkRead;

/// <summary>The path's conversation and <c>{}</c> or <c>{"seq": N}</c>.</summary>
sealed class MarkReadRequest
{
    [RouteParam] public ObjectId Id { get; set; }
    /// <summary>Read every message of the other side up to this seq (an integer ≥ 0); absent or null: every message so far.
    /// Above the last seq it counts as the last seq.</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]   // the web defaults would take "3" for 3: a string is the wrong type
    public int? Seq { get; set; }
}

/// <summary>Shape only: a seq that is not an integer ≥ 0 is 400 <c>Invalid request schema</c>.</summary>
sealed class MarkReadValidator : Validator<MarkReadRequest>
{
    public MarkReadValidator() => RuleFor(r => r.Seq).GreaterThanOrEqualTo(0);
}
