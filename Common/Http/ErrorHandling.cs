using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace SupportChat.Common.Http;

/// <summary>
/// Every failure the pipeline produces without an endpoint's say (wrong content type, unknown path, wrong method,
/// missing token, wrong role, body too large, unhandled exception) leaves in the contract's envelope. Binding and
/// validation failures inside an endpoint are <see cref="ContractSetup"/>'s.
/// </summary>
static class ErrorHandling
{
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>Outermost: turns any escaped exception into a bare 500 and empty error statuses into envelopes.</summary>
    public static void UseErrorEnvelopes(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A bad request (a body over the limit, a malformed one Kestrel refuses) is the client's fault: answered,
            // not logged as an error, or any client could flood the log. Everything else is logged in full by the
            // middleware; the client gets no detail of it.
            // Redis unreachable (the Redis engine, issue 15) is an outage the client can retry: 503, logged by the
            // connection's own failure messages rather than once per refused request.
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException || IsBrokerOutage(context.Exception),
            ExceptionHandler = context =>
            {
                var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                var status = error is BadHttpRequestException bad ? bad.StatusCode
                    : IsBrokerOutage(error) ? StatusCodes.Status503ServiceUnavailable
                    : StatusCodes.Status500InternalServerError;
                return WriteEnvelopeAsync(context, status);
            },
        });
        app.UseStatusCodePages(context => WriteEnvelopeAsync(context.HttpContext, context.HttpContext.Response.StatusCode));
    }

    /// <summary>After authorization, so a caller learns about 401/403 before anything about the body.</summary>
    public static void UseRequestBodyLimit(this WebApplication app) => app.Use((context, next) =>
    {
        // A route that streams a larger body sets its own limit once it knows the caller may send one.
        if (context.GetEndpoint()?.Metadata.GetMetadata<OwnBodyLimit>() is not null) return next(context);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxRequestBodyBytes;
        if (context.Request.ContentLength > MaxRequestBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return Task.CompletedTask;
        }
        return next(context);
    });

    /// <summary>Whether <paramref name="e"/> says Redis could not be reached or did not answer in time (the outcome of the call is unknown).</summary>
    public static bool IsBrokerOutage(Exception? e) => e is StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException;

    static Task WriteEnvelopeAsync(HttpContext context, int status) =>
        ApiResult.Fail(status, MessageFor(status)).ExecuteAsync(context);

    static string MessageFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ErrorMessages.InvalidSchema,
        StatusCodes.Status401Unauthorized => ErrorMessages.Unauthorized,
        StatusCodes.Status403Forbidden => ErrorMessages.Forbidden,
        StatusCodes.Status404NotFound => ErrorMessages.NotFound,
        StatusCodes.Status405MethodNotAllowed => ErrorMessages.MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => ErrorMessages.BodyTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ErrorMessages.UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => ErrorMessages.TooManyRequests,
        StatusCodes.Status503ServiceUnavailable => ErrorMessages.Unavailable,
        >= 500 => ErrorMessages.Internal,
        _ => ReasonPhrases.GetReasonPhrase(status),
    };
}

/// <summary>
/// Endpoint metadata: this route reads its body as a stream and enforces its own size limit (and its own 413 message),
/// so the 64 KiB limit of JSON routes and the JSON content-type rule do not apply to it.
/// </summary>
sealed class OwnBodyLimit;
