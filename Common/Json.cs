using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportChat.Common;

/// <summary>The wire's JSON settings, shared by HTTP and WebSocket so both speak the same dialect.</summary>
static class Json
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        // JSON served as JSON, never inlined in HTML: write ' < > & and non-ASCII text as is, as Node's JSON.stringify does.
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.PropertyNameCaseInsensitive = false;   // contract: request property names are case-sensitive
        options.Converters.Add(new UtcMillisecondsConverter());
    }

    public static readonly JsonSerializerOptions Options = Create();

    static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }

    /// <summary>
    /// Writes a timestamp as the PRD shows them: ISO-8601 UTC with milliseconds, e.g. 2025-03-11T10:30:00.000Z.
    /// Cut from the round-trip format, which has a fast path that a custom format string lacks; both truncate.
    /// </summary>
    public static void WriteUtcMilliseconds(Utf8JsonWriter writer, DateTime value)
    {
        Span<byte> roundTrip = stackalloc byte[33];   // yyyy-MM-ddTHH:mm:ss.fffffffZ
        DateTime.SpecifyKind(value, DateTimeKind.Utc).TryFormat(roundTrip, out _, "O", CultureInfo.InvariantCulture);
        roundTrip[23] = (byte)'Z';
        writer.WriteStringValue(roundTrip[..24]);
    }

    sealed class UtcMillisecondsConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTime().ToUniversalTime();

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => WriteUtcMilliseconds(writer, value);
    }
}
