namespace SupportChat.Common.Auth;

static class Roles
{
    public const string Admin = "admin";
    public const string Supervisor = "supervisor";
    public const string Agent = "agent";
    public const string Candidate = "candidate";

    public static readonly string[] All = [Admin, Supervisor, Agent, Candidate];
}
