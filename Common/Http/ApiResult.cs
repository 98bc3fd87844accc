using System.Text.Json.Serialization;
using FastEndpoints;

namespace SupportChat.Common.Http;

/// <summary>The success envelope, <c>{"success": true, "data": ...}</c> (CONTRACT.md "JSON shapes"); every endpoint's response type.</summary>
sealed record Envelope<T>(bool Success, T Data);

/// <summary>Builds <see cref="Envelope{T}"/>s.</summary>
static class Envelope
{
    public static Envelope<T> Of<T>(T data) => new(true, data);
}

/// <summary>The failure envelope, <c>{"success": false, "error": "..."}</c>, with the offending fields on validation failures.</summary>
sealed record ErrorEnvelope(
    bool Success,
    string Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Details = null);

static class ApiResult
{
    /// <summary>The failure envelope as a result, for code outside an endpoint (status-code pages, the WebSocket route).</summary>
    public static IResult Fail(int status, string error) =>
        TypedResults.Json(new ErrorEnvelope(false, error), Json.Options, statusCode: status);

    /// <summary>Answers with the failure envelope; <paramref name="error"/> is one of <see cref="ErrorMessages"/>.</summary>
    public static Task FailAsync(this IResponseSender send, int status, string error, CancellationToken ct) =>
        send.HttpContext.Response.SendAsync(new ErrorEnvelope(false, error), status, cancellation: ct);
}
