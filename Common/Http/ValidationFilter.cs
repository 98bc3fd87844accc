using System.Text.Json;
using FluentValidation;

namespace SupportChat.Common.Http;

/// <summary>Runs after authorization and body binding, before the handler: shape rules only, never the database.</summary>
sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter where T : class
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        // A JSON `null` body binds as null: a schema violation like any other.
        if (context.Arguments.OfType<T>().SingleOrDefault() is not { } request)
            return ApiResult.Fail(StatusCodes.Status400BadRequest, ErrorMessages.InvalidSchema);
        var result = await validator.ValidateAsync(request, context.HttpContext.RequestAborted);
        return result.IsValid
            ? await next(context)
            : ApiResult.Fail(StatusCodes.Status400BadRequest, ErrorMessages.InvalidSchema, result.Errors.Select(e => JsonNamingPolicy.CamelCase.ConvertName(e.PropertyName)).Distinct());
    }
}
