using LiveMux.Media.Mp4.Reading;

namespace LiveMux.Media.Tests.Mp4.Reading;

public sealed class BoxCursorTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    // bytes, the boxes walked as "type:payload length@start", whether the walk ends malformed
    public static TheoryData<string, string, bool> Walks => new()
    {
        { "", "", false },
        { "00000008 66726565", "free:0@0", false },
        { "0000000A 6D646174 AABB  00000008 66726565", "mdat:2@0 free:0@10", false },
        { "00000001 6D646174 0000000000000012 AABB", "mdat:2@0", false }, // largesize
        { "00000000 6D646174 AABBCC", "mdat:3@0", false }, // size 0: to the end of the parent
        { "00000008 66726565 000000", "free:0@0", true }, // a cut header
        { "00000010 6D646174 AABB", "", true }, // overruns its parent
        { "00000004 66726565", "", true }, // smaller than its header
        { "00000001 6D646174 00000000", "", true }, // largesize cut
    };

    [Theory]
    [MemberData(nameof(Walks))]
    public void Walks_boxes_and_stops_at_the_first_bad_one(string hex, string expected, bool malformed)
    {
        var bytes = Hex(hex);
        var cursor = new BoxCursor(bytes);
        var walked = new List<string>();
        var start = cursor.Position;
        while (cursor.Next(out var type, out var payload))
        {
            walked.Add($"{System.Text.Encoding.ASCII.GetString(BitConverter.GetBytes(type).Reverse().ToArray())}:{payload.Length}@{start}");
            start = cursor.Position;
        }

        Assert.Equal(expected, string.Join(' ', walked));
        Assert.Equal(malformed, cursor.Malformed);
        if (!malformed)
        {
            Assert.Equal(bytes.Length, cursor.Position);
        }
    }

    [Fact]
    public void Four_character_codes_read_as_the_walk_reports_them()
    {
        Assert.Equal(0x6D6F6F66u, BoxCursor.FourCc("moof"u8));
        Assert.True(BoxCursor.TryFind(Hex("00000008 66726565 00000009 6D6F6F66 01"), BoxCursor.FourCc("moof"u8), out var moof));
        Assert.Equal([1], moof.ToArray());
        Assert.False(BoxCursor.TryFind(Hex("00000008 66726565"), BoxCursor.FourCc("moof"u8), out _));
    }
}
