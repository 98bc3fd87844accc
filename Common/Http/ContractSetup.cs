using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FastEndpoints;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace SupportChat.Common.Http;

/// <summary>
/// FastEndpoints configured once for CONTRACT.md: the wire's JSON dialect, every binding and validation failure as
/// 400 <c>Invalid request schema</c> in the envelope, the error statuses and roles of each route in its OpenAPI
/// description. Endpoints never repeat any of this.
/// </summary>
static class ContractSetup
{
    /// <summary>Endpoints and validators of this assembly only: the test assembly holds no endpoint and must not be scanned.</summary>
    public static IServiceCollection AddContractEndpoints(this IServiceCollection services)
    {
        // A rule stops at its first failure, so later checks in a chain may assume NotNull held.
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;
        services.AddSingleton(typeof(IRequestBinder<>), typeof(ContractRequestBinder<>));   // before FastEndpoints' TryAdd of its own
        return services.AddFastEndpoints(o =>
        {
            o.DisableAutoDiscovery = true;
            o.Assemblies = [typeof(Program).Assembly];
        });
    }

    /// <summary>Maps every endpoint. Call after authentication and authorization, so 401 and 403 come before any 400.</summary>
    public static void UseContractEndpoints(this WebApplication app)
    {
        app.UseMissingContentTypeIs415();
        app.UseFastEndpoints(Configure);
    }

    static void Configure(Config c)
    {
        // c.Serializer.Options is the HTTP JSON options object, which Program.cs gives the wire's settings.
        c.Serializer.Options.TypeInfoResolver = (c.Serializer.Options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
            .WithAddedModifier(RouteValuesComeFromTheRouteOnly);
        c.Errors.ContentType = "application/json";
        c.Errors.ProducesMetadataType = typeof(ErrorEnvelope);
        c.Errors.ResponseBuilder = (failures, _, _) => new ErrorEnvelope(false, ErrorMessages.InvalidSchema, FieldNames(failures));
        c.Endpoints.Configurator = endpoint =>
        {
            endpoint.Summary(s => s.Description = Join(s.Description, RolesLine(endpoint)));
            // The statuses every route shares; each endpoint declares its own in Configure().
            var shared = new List<int> { StatusCodes.Status500InternalServerError };
            if (endpoint.AnonymousVerbs is not { Length: > 0 }) shared.Add(StatusCodes.Status401Unauthorized);
            // A route open to every role cannot answer 403 for the role, so its document does not list one.
            var everyRole = endpoint.AllowedRoles is { Count: > 0 } roles && Auth.Roles.All.All(roles.Contains);
            if (endpoint.AllowedRoles is { Count: > 0 } && !everyRole) shared.Add(StatusCodes.Status403Forbidden);
            endpoint.Description(route =>
            {
                if (everyRole) route.ClearDefaultProduces(StatusCodes.Status403Forbidden);
                route.ProducesErrors([.. shared]);
            });
        };
    }

    /// <summary>Declares the success envelope of <typeparamref name="T"/> for <paramref name="status"/> in OpenAPI.</summary>
    public static RouteHandlerBuilder ProducesEnvelope<T>(this RouteHandlerBuilder route, int status = StatusCodes.Status200OK) =>
        route.Produces<Envelope<T>>(status, "application/json");

    /// <summary>Declares the failure envelope for each status in OpenAPI, so the document shows every outcome.</summary>
    public static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses) route.Produces<ErrorEnvelope>(status, "application/json");
        return route;
    }

    /// <summary>
    /// A route parameter is bound from the path alone. Without this, a body property of the same name ("id") would be
    /// deserialized into it: a wrongly typed one would fail the request, though the contract says unknown body
    /// properties are ignored. (<c>[JsonIgnore]</c> cannot do this: FastEndpoints then skips route binding too.)
    /// </summary>
    static void RouteValuesComeFromTheRouteOnly(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object) return;
        for (var i = type.Properties.Count - 1; i >= 0; i--)
            if (type.Properties[i].AttributeProvider?.IsDefined(typeof(RouteParamAttribute), inherit: true) == true)
                type.Properties.RemoveAt(i);
    }

    /// <summary>The offending request fields, camelCase as on the wire; JSON syntax errors name no field.</summary>
    static string[]? FieldNames(List<ValidationFailure> failures)
    {
        var names = failures.Select(f => f.PropertyName)
            .Where(name => !string.IsNullOrEmpty(name) && name != "SerializerErrors" && name != "GeneralErrors")
            .Select(name => JsonNamingPolicy.CamelCase.ConvertName(name.TrimStart('$', '.')))
            .Distinct()
            .ToArray();
        return names.Length > 0 ? names : null;
    }

    static string RolesLine(EndpointDefinition endpoint) =>
        endpoint.AnonymousVerbs is { Length: > 0 } ? "Roles: anyone, no token needed."
        : endpoint.AllowedRoles is { Count: > 0 } roles ? $"Roles: {string.Join(", ", roles)}."
        : "Roles: any signed-in user.";

    static string Join(string? first, string second) => string.IsNullOrEmpty(first) ? second : $"{first}\n\n{second}";

    /// <summary>
    /// A POST with a JSON body but no Content-Type header at all: FastEndpoints answers 415 itself, with an empty
    /// body that nothing can fill in afterwards. Answered here first, in the envelope, for routes that take a body.
    /// </summary>
    static void UseMissingContentTypeIs415(this WebApplication app) => app.Use((context, next) =>
    {
        // A streamed upload's body is multipart/form-data; any other (or none) breaks its schema, as a malformed body would.
        if (context.GetEndpoint()?.Metadata.GetMetadata<OwnBodyLimit>() is not null)
        {
            if (context.Request.HasFormContentType && context.Request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
                return next(context);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;   // the status-code page writes the envelope
            return Task.CompletedTask;
        }
        if (!context.Request.Headers.ContainsKey(HeaderNames.ContentType)
            && context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is { } accepts
            && !accepts.ContentTypes.Contains("*/*"))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;   // the status-code page writes the envelope
            return Task.CompletedTask;
        }
        return next(context);
    });
}

/// <summary>
/// Request fields come from the JSON body and the route (CONTRACT.md: request properties are the body's); the query
/// string only fills properties marked <c>[QueryParam]</c>. FastEndpoints' default also binds every property from the
/// query string and form fields, so <c>POST /auth/signup?role=admin</c> would override the body's role.
/// A query parameter given with an empty value (<c>?before=</c>) is malformed, not absent: CONTRACT.md Part 2 answers
/// any malformed parameter with 400, and FastEndpoints would bind it as null.
/// </summary>
sealed class ContractRequestBinder<TRequest>() : RequestBinder<TRequest>(Sources) where TRequest : notnull
{
    static readonly HashSet<string> QueryNames = new(typeof(TRequest).GetProperties()
        .Where(p => p.IsDefined(typeof(QueryParamAttribute), inherit: true)).Select(p => p.Name), StringComparer.OrdinalIgnoreCase);

    static readonly BindingSource Sources = BindingSource.JsonBody | BindingSource.RouteValues | (QueryNames.Count > 0 ? BindingSource.QueryParams : 0);

    /// <inheritdoc />
    public override async ValueTask<TRequest> BindAsync(BinderContext ctx, CancellationToken ct)
    {
        var request = await base.BindAsync(ctx, ct);
        foreach (var (name, values) in ctx.HttpContext.Request.Query)
            if (QueryNames.Contains(name) && values.Any(string.IsNullOrEmpty))
                ctx.ValidationFailures.Add(new(name, "A parameter given must have a value."));
        return request;
    }
}
