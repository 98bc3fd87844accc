using Microsoft.AspNetCore.Identity;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime;

var builder = WebApplication.CreateBuilder(args);

if (JwtSettings.Load(builder.Configuration, out var jwtProblem) is not { } jwt)
{
    Console.Error.WriteLine($"SupportChat cannot start: {jwtProblem}");
    return 1;
}
// Contract: PORT, else 3000; ASPNETCORE_URLS or --urls win when given.
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls($"http://+:{builder.Configuration["PORT"] ?? "3000"}");

builder.Services.ConfigureHttpJsonOptions(o => Json.Configure(o.SerializerOptions));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<RoomStore>();
builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
builder.Services.AddErrorHandling().AddJwtAuth(jwt).AddDatabase(builder.Configuration).AddValidators().AddApiDocs();

var app = builder.Build();
app.UseErrorEnvelopes();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.UseRequestBodyLimit();
app.MapApiDocs();
app.MapEndpoints();
app.MapRealtime();

await app.MigrateDatabaseAsync();
await app.RunAsync();
return 0;
