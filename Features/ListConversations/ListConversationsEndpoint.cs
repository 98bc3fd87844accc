using FastEndpoints;
using SupportChat.Common.Auth;
using SupportChat.Common.Conversations;
using SupportChat.Common.Data;
using SupportChat.Common.Http;
using SupportChat.Realtime;

namespace SupportChat.Features.ListConversations;

/// <summary>GET /conversations, every role: the caller's inbox, filtered, newest first, paged by cursor.</summary>
sealed class ListConversationsEndpoint(SupportChatDb db, RoomStore rooms, JwtSettings jwt) : Endpoint<ListConversationsRequest, Envelope<ListConversationsResponse>>
{
    public override void Configure()
    {
        Get("/conversations");
        Roles(Access.RolesThatMay(Permission.ViewConversation));
        Description(route => route.ProducesErrors(400));
        Summary(s =>
        {
            s.Summary = "The caller's inbox";
            s.Description = "Candidate: their own conversations; agent: those assigned to them now; supervisor: those addressed to them; "
                + "admin: all. Newest createdAt first, ties by _id descending. Filters combine with AND and only narrow the inbox: "
                + "one naming someone outside it gives an empty page, not 403. createdFrom is inclusive, createdTo exclusive. "
                + "nextCursor, passed back as cursor with the same filters, gives the next page; it is null after the last. A page "
                + "never repeats or skips a conversation that existed when the first page was read, also while new ones are created. "
                + "Any malformed parameter (unknown status or priority, an id that is not 24 hex characters, a date that is not "
                + "ISO-8601 with a time zone, q outside 1–100 code points, limit outside 1–100, a cursor the server did not issue) is 400.";
        });
    }

    public override async Task HandleAsync(ListConversationsRequest req, CancellationToken ct)
    {
        var (rows, hasMore) = await db.GetInboxPageAsync(User, req.ToFilter(jwt), ct);
        var nextCursor = hasMore ? ListConversationsRequest.InboxCursor.Write(jwt, rows[^1].CreatedAt, rows[^1].Id) : null;
        await Send.OkAsync(Envelope.Of(new ListConversationsResponse(await db.ToObjectsAsync(rows, rooms, ct), nextCursor)), ct);
    }
}
