using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Features.Health;
using SupportChat.Features.Signup;
using SupportChat.Features.UploadAttachment;
using SupportChat.Realtime;
using SupportChat.Realtime.Scaleout;

var builder = WebApplication.CreateBuilder(args);

// Misconfiguration stops the start with a plain message and a non-zero exit, never a silent fallback.
if (JwtSettings.Load(builder.Configuration, out var jwtProblem) is not { } jwt) return Refuse(jwtProblem);
if (SignupSettings.Load(builder.Configuration, out var signupProblem) is not { } signup) return Refuse(signupProblem);
if (PasswordSettings.Load(builder.Configuration, out var passwordProblem) is not { } passwords) return Refuse(passwordProblem);
if (RateLimitSettings.Load(builder.Configuration, out var limitProblem) is not { } limits) return Refuse(limitProblem);
if (AttachmentSettings.Load(builder.Configuration, out var attachmentProblem) is not { } attachments) return Refuse(attachmentProblem);
if (DatabaseSetup.ProviderProblem(builder.Configuration) is { Length: > 0 } databaseProblem) return Refuse(databaseProblem);
var redis = RedisSettings.Load(builder.Configuration, DatabaseSetup.IsPostgres(builder.Configuration), out var redisProblem);
if (redisProblem.Length > 0) return Refuse(redisProblem);
// Contract: PORT, else 3000; ASPNETCORE_URLS or --urls win when given.
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls($"http://+:{builder.Configuration["PORT"] ?? "3000"}");

// Production logs are JSON lines for the platform's log shipping; Development keeps the readable console.
if (!builder.Environment.IsDevelopment())
    builder.Logging.ClearProviders().AddJsonConsole(o => { o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; });

// The framework's own request lines include the query string, where the WebSocket token travels; RequestLogging
// writes ours. Off entirely, not just quiet: while this category is enabled at any level, every request starts an
// Activity and a log scope, which a WebSocket keeps for as long as it is connected.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

builder.Services.ConfigureHttpJsonOptions(o => Json.Configure(o.SerializerOptions));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<RoomStore>();
if (redis is not null)
{
    // Scale-out (issue 15): the live transcript lives in Redis and several instances share it.
    builder.Services.AddSingleton(_ => RedisTranscriptLog.Connect(redis));
    builder.Services.AddSingleton<ScaleoutBridge>();
    builder.Services.AddSingleton<ConversationStatuses>();
}
builder.Services.AddSingleton<Notifications>();
builder.Services.AddSingleton<TranscriptWriter>();
builder.Services.AddSingleton<ConversationCloser>();
builder.Services.AddSingleton<DatabaseGate>();
builder.Services.AddSingleton<TranscriptStash>();
builder.Services.AddHostedService(services => services.GetRequiredService<TranscriptStash>());
builder.Services.AddSingleton(passwords);
builder.Services.AddSingleton<PasswordHashing>();
builder.Services.AddSingleton(signup);
builder.Services.AddSingleton(attachments);
builder.Services.AddHostedService<UnusedAttachmentCleanup>();
var health = builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthReadyEndpoint.ReadyTag]);
if (redis is not null) health.AddCheck<RedisHealthCheck>("redis", tags: [HealthReadyEndpoint.ReadyTag]);
builder.Services.AddConfiguredCors(builder.Configuration).AddJwtAuth(jwt).AddDatabase(builder.Configuration).AddContractEndpoints().AddApiDocs().AddRateLimits(limits);

var app = builder.Build();
app.UseRequestLogging();
app.UseErrorEnvelopes();
app.UseClientAddress();
app.UseRouting();
app.UseCors();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseRequestBodyLimit();
app.UseContractEndpoints();
app.MapApiDocs();   // after the endpoints: the document generator reads FastEndpoints' serializer settings
app.MapRealtime();

await app.MigrateDatabaseAsync();
if (app.Services.GetService<ScaleoutBridge>() is not { } bridge) await app.Services.GetRequiredService<TranscriptStash>().RestoreAsync();
else if (!await bridge.TryStartAsync()) return Refuse("Redis (REDIS_URL / Redis__Configuration) did not answer within 30 seconds.");
await AdminBootstrap.EnsureAdminAsync(app.Services);
await app.RunAsync();
return 0;

static int Refuse(string problem)
{
    Console.Error.WriteLine($"SupportChat cannot start: {problem}");
    return 1;
}
