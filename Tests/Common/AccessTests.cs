using FastEndpoints;
using SupportChat.Common.Auth;
using SupportChat.Realtime;
using SupportChat.Tests.Support;

namespace SupportChat.Tests.Common;

/// <summary>The access model is one table: every route and every event takes its roles from it.</summary>
public sealed class AccessTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public void Every_permission_has_a_row_of_known_roles()
    {
        foreach (var permission in Enum.GetValues<Permission>())
        {
            var roles = Access.RolesThatMay(permission);
            roles.ShouldNotBeEmpty(permission.ToString());
            roles.ShouldAllBe(role => Roles.All.Contains(role));
        }
    }

    [Theory]
    [InlineData("GET /auth/me", nameof(Permission.ViewProfile))]
    [InlineData("POST /conversations", nameof(Permission.OpenConversation))]
    [InlineData("GET /conversations/{id}", nameof(Permission.ViewConversation))]
    [InlineData("GET /conversations", nameof(Permission.ViewConversation))]
    [InlineData("GET /conversations/{id}/messages", nameof(Permission.ViewConversation))]
    [InlineData("POST /conversations/{id}/messages", nameof(Permission.Reply))]
    [InlineData("POST /conversations/{id}/read", nameof(Permission.Reply))]
    [InlineData("PATCH /conversations/{id}", nameof(Permission.Triage))]
    [InlineData("POST /conversations/{id}/assign", nameof(Permission.Assign))]
    [InlineData("POST /conversations/{id}/close", nameof(Permission.CloseUnassigned))]
    [InlineData("GET /admin/analytics", nameof(Permission.Administer))]
    [InlineData("GET /admin/audit", nameof(Permission.Administer))]
    [InlineData("POST /conversations/{id}/attachments", nameof(Permission.Reply))]
    [InlineData("GET /attachments/{id}/link", nameof(Permission.ViewConversation))]
    public void Each_signed_in_route_allows_exactly_the_roles_of_its_permission(string route, string permission)
    {
        var endpoint = Endpoints().Single(e => e.Route == route);
        endpoint.Definition.AllowedRoles.ShouldBe(Access.RolesThatMay(Enum.Parse<Permission>(permission)), ignoreOrder: true);
    }

    [Fact]
    public void Only_signup_login_health_and_the_attachment_download_are_open_to_anyone()
    {
        // The download checks the token itself when no signed link is given (GetAttachmentTests covers who may read).
        Endpoints().Where(e => e.Definition.AnonymousVerbs is { Length: > 0 }).Select(e => e.Route).Order()
            .ShouldBe(["GET /attachments/{id}", "GET /health/live", "GET /health/ready", "POST /auth/login", "POST /auth/signup"]);
        Endpoints().Where(e => e.Definition.AnonymousVerbs is not { Length: > 0 }).ShouldAllBe(e => e.Definition.AllowedRoles!.Count > 0);
    }

    [Theory]
    [InlineData("JOIN_CONVERSATION", nameof(Permission.Reply))]
    [InlineData("SEND_MESSAGE", nameof(Permission.Reply))]
    [InlineData("LEAVE_CONVERSATION", nameof(Permission.Reply))]
    [InlineData("CLOSE_CONVERSATION", nameof(Permission.Resolve))]
    [InlineData("SUBSCRIBE", nameof(Permission.Subscribe))]
    [InlineData("TYPING", nameof(Permission.Reply))]
    public void Each_socket_event_allows_exactly_the_roles_of_its_permission(string eventName, string permission)
    {
        EventTable.Routes[eventName].AllowedRoles.ShouldBe(Access.RolesThatMay(Enum.Parse<Permission>(permission)), ignoreOrder: true);
    }

    IEnumerable<(string Route, EndpointDefinition Definition)> Endpoints() =>
        app.ServedEndpoints().Select(e => ($"{e.Method} {e.Path}", e.Definition));
}
