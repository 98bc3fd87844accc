using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SupportChat.Common;

namespace SupportChat.Tests.Support;

public sealed record TestUser(string Id, string Name, string Email, string Password, string Role, string Token);

public sealed record TestConversation(string Id, TestUser Candidate, TestUser Supervisor);

/// <summary>What came back: status and the parsed envelope.</summary>
public sealed record ApiResponse(HttpStatusCode Status, JsonElement Body)
{
    public JsonElement Data => Body.GetProperty("data");
    public string? Error => Body.TryGetProperty("error", out var e) ? e.GetString() : null;

    public void ShouldFail(HttpStatusCode status, string error)
    {
        Status.ShouldBe(status, Body.ToString());
        Body.GetProperty("success").GetBoolean().ShouldBeFalse();
        Error.ShouldBe(error);
    }

    public JsonElement ShouldSucceed(HttpStatusCode status = HttpStatusCode.OK)
    {
        Status.ShouldBe(status, Body.ToString());
        Body.GetProperty("success").GetBoolean().ShouldBeTrue();
        return Data;
    }
}

/// <summary>Domain helpers over the public HTTP API, in the spirit of a system-under-test fixture.</summary>
public static class ApiClient
{
    public const string Password = "secret123!";

    public static string NewEmail(string role = "user") => $"{role}-{Guid.NewGuid():N}@test.example.com";

    public static Task<ApiResponse> PostAsync(this ITestService app, string path, object? body, string? token = null) =>
        app.SendAsync(HttpMethod.Post, path, body is null ? null : JsonContent.Create(body), token);

    public static Task<ApiResponse> PostRawAsync(this ITestService app, string path, string body, string? token = null, string contentType = "application/json") =>
        app.SendAsync(HttpMethod.Post, path, new StringContent(body, Encoding.UTF8, contentType), token);

    public static Task<ApiResponse> PatchAsync(this ITestService app, string path, object? body, string? token = null) =>
        app.SendAsync(HttpMethod.Patch, path, body is null ? null : JsonContent.Create(body), token);

    public static Task<ApiResponse> PatchRawAsync(this ITestService app, string path, string body, string? token = null) =>
        app.SendAsync(HttpMethod.Patch, path, new StringContent(body, Encoding.UTF8, "application/json"), token);

    public static Task<ApiResponse> GetAsync(this ITestService app, string path, string? token = null) =>
        app.SendAsync(HttpMethod.Get, path, null, token);

    public static Task<ApiResponse> SendAsync(this ITestService app, HttpMethod method, string path, HttpContent? content, string? token = null) =>
        app.Http.SendAsync(method, path, content, token);

    /// <summary>As <see cref="SendAsync(ITestService, HttpMethod, string, HttpContent?, string?)"/> on a given client: a request the
    /// server answers by dropping the connection (an oversized body) must not leave a dead connection in a shared client's pool.</summary>
    public static async Task<ApiResponse> SendAsync(this HttpClient http, HttpMethod method, string path, HttpContent? content, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json", $"{method} {path} answered {(int)response.StatusCode} with: {text}");
        return new ApiResponse(response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public static async Task<string> LoginAsync(this ITestService app, string email, string password = Password) =>
        (await app.PostAsync("/auth/login", new { email, password })).ShouldSucceed().GetProperty("token").GetString()!;

    /// <summary>Signs a new user up and logs them in.</summary>
    public static async Task<TestUser> NewUserAsync(this ITestService app, string role, string? supervisorId = null, string? name = null)
    {
        var email = NewEmail(role);
        name ??= $"{role} {Guid.NewGuid():N}"[..20];
        var signup = await app.PostAsync("/auth/signup", new { name, email, password = Password, role, supervisorId });
        var id = signup.ShouldSucceed(HttpStatusCode.Created).GetProperty("_id").GetString()!;
        return new TestUser(id, name, email, Password, role, await app.LoginAsync(email));
    }

    public static async Task<(TestUser Supervisor, TestUser Agent)> NewTeamAsync(this ITestService app)
    {
        var supervisor = await app.NewUserAsync("supervisor");
        return (supervisor, await app.NewUserAsync("agent", supervisor.Id));
    }

    /// <summary>A new user of any role; an agent comes with a supervisor of its own.</summary>
    public static async Task<TestUser> NewUserInRoleAsync(this TestApp app, string role) =>
        role == "agent" ? (await app.NewTeamAsync()).Agent : await app.NewUserAsync(role);

    /// <summary>A candidate (new unless given) opens a conversation with <paramref name="supervisor"/> (new unless given).</summary>
    public static async Task<TestConversation> NewConversationAsync(this TestApp app, TestUser? supervisor = null, TestUser? candidate = null)
    {
        supervisor ??= await app.NewUserAsync("supervisor");
        candidate ??= await app.NewUserAsync("candidate");
        var id = (await app.PostAsync("/conversations", new { supervisorId = supervisor.Id }, candidate.Token))
            .ShouldSucceed(HttpStatusCode.Created).GetProperty("_id").GetString()!;
        return new TestConversation(id, candidate, supervisor);
    }

    /// <summary>The conversation's supervisor assigns <paramref name="agent"/>.</summary>
    public static async Task AssignAgentAsync(this TestApp app, TestConversation conversation, TestUser agent) =>
        (await app.PostAsync($"/conversations/{conversation.Id}/assign", new { agentId = agent.Id }, conversation.Supervisor.Token)).ShouldSucceed();

    /// <summary>The conversation's supervisor closes it.</summary>
    public static async Task CloseConversationAsync(this TestApp app, TestConversation conversation) =>
        (await app.PostAsync($"/conversations/{conversation.Id}/close", null, conversation.Supervisor.Token)).ShouldSucceed();

    /// <summary>Sets the status directly: "assigned" comes from an agent's JOIN over the socket, which HTTP tests don't open.</summary>
    public static async Task SetConversationStatusAsync(this TestApp app, string conversationId, string status)
    {
        var id = ObjectId.Parse(conversationId);
        (await app.WithDbAsync(db => db.Conversations.Where(c => c.Id == id).ExecuteUpdateAsync(set => set.SetProperty(c => c.Status, status))))
            .ShouldBe(1);
    }
}
