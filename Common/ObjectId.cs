using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SupportChat.Common;

/// <summary>
/// A 12-byte id in MongoDB's ObjectId layout (4-byte seconds timestamp, 5-byte per-process random,
/// 3-byte counter), written as 24 lowercase hex characters, so ids look exactly as PRD clients expect.
/// As a route parameter, its <see cref="TryParse(string?, out ObjectId)"/> turns a malformed id into a 400.
/// Ids order as their bytes do (MongoDB's order), which is the ordinal order of their hex text: the order the
/// database sorts the stored text in, so keyset paging can break ties by id.
/// </summary>
[JsonConverter(typeof(ObjectIdJsonConverter))]
public readonly record struct ObjectId : IParsable<ObjectId>, IComparable<ObjectId>
{
    static readonly byte[] ProcessRandom = RandomNumberGenerator.GetBytes(5);
    static int _counter = RandomNumberGenerator.GetInt32(0x1000000);

    readonly string _hex;

    ObjectId(string lowercaseHex) => _hex = lowercaseHex;

    /// <summary>A new id: this second's timestamp, this process's random bytes and the next counter value, so ids sort roughly by creation time.</summary>
    public static ObjectId NewId()
    {
        Span<byte> bytes = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        ProcessRandom.CopyTo(bytes[4..]);
        var counter = Interlocked.Increment(ref _counter) & 0xFFFFFF;
        bytes[9] = (byte)(counter >> 16);
        bytes[10] = (byte)(counter >> 8);
        bytes[11] = (byte)counter;
        return new ObjectId(Convert.ToHexStringLower(bytes));
    }

    /// <summary>Parses 24 hexadecimal characters in either case (stored lower-case); false for anything else, null included.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out ObjectId id)
    {
        id = default;
        if (s is not { Length: 24 } || !s.All(char.IsAsciiHexDigit)) return false;
        id = new ObjectId(s.ToLowerInvariant());   // ObjectId parsing is case-insensitive
        return true;
    }

    /// <inheritdoc cref="TryParse(string?, out ObjectId)"/>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out ObjectId id) => TryParse(s, out id);

    /// <summary>As <see cref="TryParse(string?, out ObjectId)"/>; throws <see cref="FormatException"/> for anything but 24 hexadecimal characters.</summary>
    public static ObjectId Parse(string s, IFormatProvider? provider = null) =>
        TryParse(s, out var id) ? id : throw new FormatException("An ObjectId is 24 hexadecimal characters.");

    /// <summary>24 lower-case hexadecimal characters; the zero id for <c>default</c>.</summary>
    public override string ToString() => _hex ?? new string('0', 24);

    /// <summary>Byte order, which for equal-length lower-case hex is ordinal text order.</summary>
    public int CompareTo(ObjectId other) => string.CompareOrdinal(ToString(), other.ToString());

    /// <summary>In a LINQ query EF Core compares the stored text, in the same order.</summary>
    public static bool operator <(ObjectId left, ObjectId right) => left.CompareTo(right) < 0;
    /// <inheritdoc cref="op_LessThan"/>
    public static bool operator >(ObjectId left, ObjectId right) => left.CompareTo(right) > 0;
    /// <inheritdoc cref="op_LessThan"/>
    public static bool operator <=(ObjectId left, ObjectId right) => left.CompareTo(right) <= 0;
    /// <inheritdoc cref="op_LessThan"/>
    public static bool operator >=(ObjectId left, ObjectId right) => left.CompareTo(right) >= 0;
}

sealed class ObjectIdJsonConverter : JsonConverter<ObjectId>
{
    public override ObjectId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && ObjectId.TryParse(reader.GetString(), out var id)
            ? id
            : throw new JsonException("An ObjectId is a string of 24 hexadecimal characters.");

    public override void Write(Utf8JsonWriter writer, ObjectId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
