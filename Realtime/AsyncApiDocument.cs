using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Namotion.Reflection;
using SupportChat.Common;
using SupportChat.Common.Auth;
using SupportChat.Common.Http;

namespace SupportChat.Realtime;

/// <summary>
/// The WebSocket protocol as an AsyncAPI 3.0 document, served anonymously at <c>/asyncapi.json</c> as the OpenAPI
/// document is. Generated from <see cref="EventTable"/> (each client event's roles, replies and errors, each server
/// frame) and from the payload types themselves (JSON schemas by <see cref="JsonSchemaExporter"/>, in the wire's
/// dialect, descriptions from their doc comments), so an event cannot exist undocumented. Operations are the server's
/// view, as AsyncAPI 3 wants: it <c>receive</c>s what clients send and <c>send</c>s what they receive.
/// </summary>
static class AsyncApiDocument
{
    public const string Path = "/asyncapi.json";
    const string Channel = "socket";

    /// <summary>Errors any client event can get before its own rules (CONTRACT.md Part 1 "WebSocket", order of checks).</summary>
    static readonly string[] FrameErrors = [ErrorMessages.InvalidFormat, ErrorMessages.UnknownEvent];

    static readonly Lazy<string> Template = new(() => Build().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public static void MapAsyncApi(this WebApplication app) =>
        app.MapGet(Path, (HttpContext context) =>
        {
            // The server entry names the host the document was fetched from, the way a client will connect.
            var document = JsonNode.Parse(Template.Value)!;
            var server = document["servers"]!["supportchat"]!;
            server["host"] = context.Request.Host.Value;
            server["protocol"] = context.Request.IsHttps ? "wss" : "ws";
            return Results.Text(document.ToJsonString(), "application/json");
        }).ExcludeFromDescription();

    /// <summary>The document, with <c>localhost:3000</c> as the server's host.</summary>
    internal static JsonObject Build()
    {
        var messages = new JsonObject();
        var channelMessages = new JsonObject();
        var operations = new JsonObject();
        foreach (var (name, route) in EventTable.Routes.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var errors = Errors(route);
            messages[name] = Message(name, route.Doc, $"Client → server. Roles: {string.Join(", ", route.AllowedRoles)}.");
            messages[name]!["x-roles"] = new JsonArray([.. route.AllowedRoles.Select(r => JsonValue.Create(r))]);
            messages[name]!["x-errors"] = new JsonArray([.. errors.Select(e => JsonValue.Create(e))]);
            operations[name] = new JsonObject
            {
                ["action"] = "receive",
                ["channel"] = Ref($"#/channels/{Channel}"),
                ["summary"] = route.Doc.Summary,
                ["description"] = $"Roles: {string.Join(", ", route.AllowedRoles)}. "
                    + (route.Doc.Replies.Length > 0 ? $"Answered {string.Join(" or ", route.Doc.Replies)}, or ERROR: " : "Answered only by ERROR: ")
                    + string.Join("; ", errors.Select(e => $"`{e}`")) + ".",
                ["messages"] = new JsonArray(Ref($"#/channels/{Channel}/messages/{name}")),
                ["reply"] = new JsonObject
                {
                    ["channel"] = Ref($"#/channels/{Channel}"),
                    ["messages"] = new JsonArray([.. route.Doc.Replies.Append(EventNames.Error).Select(r => Ref($"#/channels/{Channel}/messages/{r}"))]),
                },
            };
            channelMessages[name] = Ref($"#/components/messages/{name}");
        }
        foreach (var (name, doc) in EventTable.ServerEvents.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            messages[name] = Message(name, doc, "Server → client.");
            operations[name] = new JsonObject
            {
                ["action"] = "send",
                ["channel"] = Ref($"#/channels/{Channel}"),
                ["summary"] = doc.Summary,
                ["messages"] = new JsonArray(Ref($"#/channels/{Channel}/messages/{name}")),
            };
            channelMessages[name] = Ref($"#/components/messages/{name}");
        }
        // ERROR's message is always one of these.
        messages[EventNames.Error]!["payload"]!["properties"]!["data"]!["properties"]!["message"]!["enum"] =
            new JsonArray([.. EventTable.Routes.Values.SelectMany(Errors).Append(ErrorMessages.InvalidToken).Distinct().Select(e => JsonValue.Create(e))]);

        return new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = "SupportChat WebSocket protocol",
                ["version"] = "v1",
                ["description"] = Description(),
            },
            ["defaultContentType"] = "application/json",
            ["servers"] = new JsonObject
            {
                ["supportchat"] = new JsonObject
                {
                    ["host"] = "localhost:3000",
                    ["protocol"] = "ws",
                    ["pathname"] = "/ws",
                    ["description"] = "The same host and port as the HTTP API. An upgrade request to / is accepted the same way.",
                    ["security"] = new JsonArray(Ref("#/components/securitySchemes/token")),
                },
            },
            ["channels"] = new JsonObject
            {
                [Channel] = new JsonObject
                {
                    ["address"] = "/ws",
                    ["title"] = "The socket",
                    ["description"] = "One connection carries every frame both ways: JSON text frames {\"event\": NAME, \"data\": {...}}.",
                    ["messages"] = channelMessages,
                    ["bindings"] = new JsonObject
                    {
                        ["ws"] = new JsonObject
                        {
                            ["method"] = "GET",
                            ["query"] = new JsonObject
                            {
                                ["type"] = "object",
                                ["properties"] = new JsonObject
                                {
                                    ["token"] = new JsonObject { ["type"] = "string", ["description"] = "The JWT from POST /auth/login." },
                                },
                                ["required"] = new JsonArray("token"),
                            },
                            ["bindingVersion"] = "0.1.0",
                        },
                    },
                },
            },
            ["operations"] = operations,
            ["components"] = new JsonObject
            {
                ["messages"] = messages,
                ["securitySchemes"] = new JsonObject
                {
                    ["token"] = new JsonObject
                    {
                        ["type"] = "httpApiKey",
                        ["in"] = "query",
                        ["name"] = "token",
                        ["description"] = "The JWT from POST /auth/login, honoured only while its user exists with the role it names. Missing or "
                            + $"invalid: an ERROR frame `{ErrorMessages.InvalidToken}`, then close code 1008.",
                    },
                },
            },
        };
    }

    /// <summary>What the socket may answer a client event with: frame and name errors, the role error unless every role may
    /// send it, the event's own, the internal error any event can meet, and (Redis engine) Redis being unreachable.</summary>
    static string[] Errors(EventRoute route) =>
    [
        .. FrameErrors,
        .. Roles.All.All(route.AllowedRoles.Contains) ? [] : new[] { ErrorMessages.ForbiddenRole },
        .. route.Doc.Errors,
        ErrorMessages.Internal,
        ErrorMessages.Unavailable,
    ];

    static string Description()
    {
        var optInClient = EventTable.Routes.Where(r => r.Value.Doc.OptIn).Select(r => r.Key).Order(StringComparer.Ordinal).ToList();
        var optInServer = EventTable.ServerEvents.Where(e => e.Value is { OptIn: true, OptInBy: null }).Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
        var askedFor = EventTable.ServerEvents.Where(e => e.Value is { OptIn: true, OptInBy: not null })
            .Select(e => $"{e.Key} only to a socket that did {e.Value.OptInBy}").Order(StringComparer.Ordinal).ToList();
        return "The live side of SupportChat (CONTRACT.md \"WebSocket\" and Part 2 \"WebSocket additions\"). Connect to ws://HOST:PORT/ws?token=JWT. "
            + "Every frame, both ways, is a JSON text frame {\"event\": NAME, \"data\": {...}}; the server sends nothing unprompted on connect. "
            + "Each frame is checked in this order: format (not a JSON object with a string event and an object data, or a binary frame: "
            + $"`{ErrorMessages.InvalidFormat}`), event name (`{ErrorMessages.UnknownEvent}`), role (`{ErrorMessages.ForbiddenRole}`), "
            + $"data schema (`{ErrorMessages.InvalidSchema}`), then the event's own rules. The socket stays open after every ERROR. A frame over "
            + $"{RealtimeEndpoint.MaxFrameBytes / 1024} KiB closes the socket with 1009; a peer that stops reading while more than "
            + $"{SocketConnection.MaxQueuedBytes / 1024 / 1024} MiB wait for it is closed with 1008. "
            + $"Opt-in: {string.Join(", ", optInServer)} go only to sockets that sent SUBSCRIBE; {string.Join("; ", askedFor)}; NEW_MESSAGE "
            + "with replayed: true only to a socket that sent JOIN_CONVERSATION with sinceSeq. A socket that sends none of "
            + $"{string.Join(", ", optInClient)} and no sinceSeq or clientMessageId receives exactly Part 1's frames. "
            + "Ids are 24 lower-case hexadecimal characters; timestamps ISO-8601 UTC with milliseconds.";
    }

    static JsonObject Message(string name, EventDoc doc, string direction) => new()
    {
        ["name"] = name,
        ["title"] = name,
        ["summary"] = doc.Summary,
        ["description"] = direction + (doc.OptIn ? $" Part 2, opt-in: a socket that did not {doc.OptInBy ?? "send SUBSCRIBE"} never gets it." : ""),
        ["contentType"] = "application/json",
        ["payload"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["event"] = new JsonObject { ["type"] = "string", ["const"] = name },
                ["data"] = DataSchema(doc.Data),
            },
            ["required"] = new JsonArray("event", "data"),
        },
        ["x-opt-in"] = doc.OptIn,
    };

    /// <summary>A frame's data is always an object, never null, whatever the type's nullability says.</summary>
    static JsonNode DataSchema(Type type)
    {
        var schema = Schema(type);
        schema["type"] = "object";
        return schema;
    }

    static JsonObject Ref(string path) => new() { ["$ref"] = path };

    // The wire's dialect (camelCase, its converters), with nullable annotations read so that a non-nullable field is
    // not shown as nullable, and numbers as the server writes them (the web defaults would also show them as strings).
    static readonly JsonSerializerOptions SchemaOptions = new(Json.Options)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        RespectNullableAnnotations = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };

    static readonly JsonSchemaExporterOptions ExporterOptions = new() { TransformSchemaNode = Transform };

    /// <summary>The JSON schema of <paramref name="type"/> as the wire writes and reads it.</summary>
    internal static JsonNode Schema(Type type) => JsonSchemaExporter.GetJsonSchemaAsNode(SchemaOptions, type, ExporterOptions);

    /// <summary>Ids and timestamps have converters of their own, whose output the exporter cannot see: their schemas
    /// are stated here. Property descriptions come from the types' doc comments.</summary>
    static JsonNode Transform(JsonSchemaExporterContext context, JsonNode schema)
    {
        var type = context.TypeInfo.Type;
        var nullable = Nullable.GetUnderlyingType(type) is not null;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(ObjectId))
            schema = new JsonObject
            {
                ["type"] = StringType(nullable),
                ["pattern"] = "^[0-9a-f]{24}$",
                ["description"] = "An id: 24 lower-case hexadecimal characters (MongoDB ObjectId layout).",
            };
        else if (underlying == typeof(DateTime))
            schema = new JsonObject
            {
                ["type"] = StringType(nullable),
                ["format"] = "date-time",
                ["description"] = "ISO-8601 UTC with milliseconds, e.g. 2026-11-22T10:30:00.000Z.",
            };
        if (context.PropertyInfo?.AttributeProvider is MemberInfo member && member.GetXmlDocsSummary() is { Length: > 0 } summary && schema is JsonObject node)
            node["description"] = summary;
        return schema;
    }

    static JsonNode StringType(bool nullable) => nullable ? new JsonArray("string", "null") : JsonValue.Create("string");
}
