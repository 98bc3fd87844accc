using System.Text.Json.Serialization;

namespace SupportChat.Common.Http;

/// <summary>The success envelope, <c>{"success": true, "data": ...}</c>; also the schema routes declare for OpenAPI.</summary>
sealed record Envelope<T>(bool Success, T Data);

/// <summary>The failure envelope, <c>{"success": false, "error": "..."}</c>, with the offending fields on validation failures.</summary>
sealed record ErrorEnvelope(
    bool Success,
    string Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Details = null);

static class ApiResult
{
    public static IResult Ok<T>(T data, int status = StatusCodes.Status200OK) =>
        TypedResults.Json(new Envelope<T>(true, data), Json.Options, statusCode: status);

    public static IResult Fail(int status, string error, IEnumerable<string>? details = null) =>
        TypedResults.Json(new ErrorEnvelope(false, error, details?.ToArray()), Json.Options, statusCode: status);
}
