using FluentValidation;

namespace SupportChat.Common.Http;

/// <summary>One HTTP route: its class maps verb, path, roles, validation and OpenAPI metadata in <see cref="Map"/>.</summary>
interface IEndpoint
{
    static abstract void Map(IEndpointRouteBuilder app);
}

static class Endpoints
{
    public static IServiceCollection AddValidators(this IServiceCollection services)
    {
        // A rule stops at its first failure, so later checks in a chain may assume NotNull held.
        ValidatorOptions.Global.DefaultRuleLevelCascadeMode = CascadeMode.Stop;
        foreach (var found in AssemblyScanner.FindValidatorsInAssembly(typeof(Program).Assembly, includeInternalTypes: true))
            services.AddSingleton(found.InterfaceType, found.ValidatorType);   // validators are stateless
        return services;
    }

    public static void MapEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var type in typeof(Program).Assembly.GetTypes().Where(t => !t.IsAbstract && t.IsAssignableTo(typeof(IEndpoint))))
            type.GetMethod(nameof(IEndpoint.Map))!.Invoke(null, [app]);
    }

    /// <summary>Declares the error envelope for each listed status, so the OpenAPI document shows every outcome.</summary>
    public static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses.Append(StatusCodes.Status500InternalServerError))
            route.Produces<ErrorEnvelope>(status);
        return route;
    }

    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder route) where T : class =>
        route.AddEndpointFilter<ValidationFilter<T>>();
}
