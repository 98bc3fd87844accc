namespace SupportChat.Common.Http;

/// <summary><c>Cors__Origins</c>: comma-separated browser origins allowed to call the API (and open sockets), or <c>*</c>. Unset: same origin only.</summary>
static class CorsSetup
{
    public static string[] Origins(IConfiguration configuration) =>
        configuration["Cors:Origins"]?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    public static IServiceCollection AddConfiguredCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = Origins(configuration);
        return services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (origins.Contains("*")) policy.AllowAnyOrigin();
            else policy.WithOrigins(origins);
            policy.AllowAnyHeader().AllowAnyMethod();
        }));
    }
}
