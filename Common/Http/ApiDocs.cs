using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;

namespace SupportChat.Common.Http;

/// <summary>The OpenAPI document at /openapi/v1.json and Swagger UI at /swagger, with the bearer scheme and each route's roles.</summary>
static class ApiDocs
{
    const string Bearer = "Bearer";

    public static IServiceCollection AddApiDocs(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "SupportChat",
                Version = "v1",
                Description = "Real-time customer-support chat. Log in, then press Authorize and paste the token. "
                    + "The WebSocket protocol (ws://HOST/ws?token=JWT) is described in the README.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [Bearer] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT" },
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var roles = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>()
                .SelectMany(a => a.Roles?.Split(',') ?? []).ToArray();
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] }];
                operation.Description = $"Roles: {(roles.Length > 0 ? string.Join(", ", roles) : "any signed-in user")}.";
            }
            return Task.CompletedTask;
        });
    });

    public static void MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi();
        app.UseSwaggerUI(ui =>
        {
            ui.SwaggerEndpoint("/openapi/v1.json", "SupportChat v1");
            ui.RoutePrefix = "swagger";
        });
    }
}
