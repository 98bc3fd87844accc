using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace LoadGenerator;

/// <summary>The HTTP calls the setup needs, each checked against CONTRACT.md's status so a broken setup stops at once.</summary>
sealed class SupportChatApi(Uri baseUrl)
{
    public const string Password = "bench-password-1";
    readonly HttpClient _http = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(120) };

    public async Task<Account> SignupAsync(string role, string name, string email, string? supervisorId = null)
    {
        var user = await CallAsync(HttpMethod.Post, "/auth/signup", new { name, email, password = Password, role, supervisorId }, null, 201);
        var login = await CallAsync(HttpMethod.Post, "/auth/login", new { email, password = Password }, null, 200);
        return new Account(user["_id"]!.GetValue<string>(), login["token"]!.GetValue<string>());
    }

    public async Task<string> CreateConversationAsync(Account candidate, string supervisorId) =>
        (await CallAsync(HttpMethod.Post, "/conversations", new { supervisorId }, candidate.Token, 201))["_id"]!.GetValue<string>();

    public Task AssignAsync(Account supervisor, string conversationId, string agentId) =>
        CallAsync(HttpMethod.Post, $"/conversations/{conversationId}/assign", new { agentId }, supervisor.Token, 200);

    public async Task<(string Status, int Messages)> GetConversationAsync(Account caller, string conversationId)
    {
        var conversation = await CallAsync(HttpMethod.Get, $"/conversations/{conversationId}", null, caller.Token, 200);
        return (conversation["status"]!.GetValue<string>(), conversation["messages"]!.AsArray().Count);
    }

    /// <summary>POST /conversations/:id/messages as <paramref name="sender"/>; the message's seq.</summary>
    public async Task<int> PostMessageAsync(Account sender, string conversationId, string content) =>
        (await CallAsync(HttpMethod.Post, $"/conversations/{conversationId}/messages", new { content }, sender.Token, 201))["seq"]!.GetValue<int>();

    async Task<JsonNode> CallAsync(HttpMethod method, string path, object? body, string? token, int expectedStatus)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != expectedStatus)
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode} (expected {expectedStatus}): {text}");
        return JsonNode.Parse(text)!["data"]!;
    }
}

sealed record Account(string Id, string Token);
