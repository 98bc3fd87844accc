using System.Buffers.Binary;
using SupportChat.Common;

namespace SupportChat.Tests.Common;

public sealed class ObjectIdTests
{
    [Fact]
    public void New_ids_follow_the_ObjectId_layout()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var first = ObjectId.NewId().ToString();
        var second = ObjectId.NewId().ToString();

        first.ShouldMatch("^[0-9a-f]{24}$");
        var bytes = Convert.FromHexString(first);
        BinaryPrimitives.ReadUInt32BigEndian(bytes).ShouldBeInRange((uint)before, (uint)before + 2);
        second[8..18].ShouldBe(first[8..18]);                                            // same per-process random
        (Convert.ToInt32(second[18..], 16) - Convert.ToInt32(first[18..], 16) & 0xFFFFFF).ShouldBe(1);   // counter steps by one
    }

    [Fact]
    public void Ids_are_unique_across_threads()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<ObjectId>();
        Parallel.For(0, 20_000, _ => ids.Add(ObjectId.NewId()));
        ids.Distinct().Count().ShouldBe(20_000);
    }

    [Theory]
    [InlineData("0123456789ABCDEF01234567", true)]
    [InlineData("0123456789abcdef01234567", true)]
    [InlineData("0123456789abcdef0123456", false)]
    [InlineData("0123456789abcdef012345678", false)]
    [InlineData("0123456789abcdef0123456g", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Parsing_accepts_24_hex_characters_in_any_case(string? text, bool valid)
    {
        ObjectId.TryParse(text, out var id).ShouldBe(valid);
        if (valid) id.ToString().ShouldBe(text!.ToLowerInvariant());
    }
}
