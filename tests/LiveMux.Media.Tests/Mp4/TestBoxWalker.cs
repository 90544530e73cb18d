using System.Buffers.Binary;
using System.Text;
using LiveMux.Media.Mp4.Reading;

namespace LiveMux.Media.Tests.Mp4;

/// <summary>One parsed ISO BMFF box: its four-character type, where it starts, its size and its children.</summary>
internal sealed record TestBox(string Type, int Offset, int Size, byte[] Body, List<TestBox> Children)
{
    public TestBox Child(string type) => Children.Single(c => c.Type == type);

    /// <summary>The box tree as "type[child child]" text, for comparing the whole shape at once.</summary>
    public override string ToString() =>
        Children.Count == 0 ? Type : $"{Type}[{string.Join(' ', Children.Select(c => c.ToString()))}]";
}

/// <summary>
/// The box tree of what the muxer wrote, read with the one box reader (<see cref="BoxCursor"/>), not with the
/// BoxWriter under test. It descends into the container boxes the muxer writes and fails when a child overruns
/// its parent or children do not fill it exactly.
/// </summary>
internal static class TestBoxWalker
{
    // Bytes to skip before children, by container type: 0 for plain containers, 4 for full boxes with
    // an entry count (stsd, dref), 78 for the fixed fields of a visual sample entry.
    private static readonly Dictionary<string, int> Containers = new()
    {
        ["moov"] = 0, ["trak"] = 0, ["edts"] = 0, ["mdia"] = 0, ["minf"] = 0, ["dinf"] = 0, ["stbl"] = 0, ["mvex"] = 0,
        ["moof"] = 0, ["traf"] = 0, ["stsd"] = 8, ["dref"] = 8, ["avc1"] = 78,
    };

    public static List<TestBox> Walk(ReadOnlySpan<byte> data) => Walk(data, 0);

    private static List<TestBox> Walk(ReadOnlySpan<byte> data, int baseOffset)
    {
        var boxes = new List<TestBox>();
        var cursor = new BoxCursor(data);
        var offset = 0;
        while (cursor.Next(out var fourCc, out var body))
        {
            // The muxer always writes the size: "to the end" (0) would be a bug here.
            Assert.NotEqual(0u, BinaryPrimitives.ReadUInt32BigEndian(data[offset..]));
            var type = Encoding.ASCII.GetString(data.Slice(offset + 4, 4));
            var size = cursor.Position - offset;
            var header = size - body.Length;
            var children = new List<TestBox>();
            if (Containers.TryGetValue(type, out var skip))
            {
                Assert.True(body.Length >= skip, $"{type} shorter than its fixed fields");
                children = Walk(body[skip..], baseOffset + offset + header + skip);
            }

            boxes.Add(new TestBox(type, baseOffset + offset, size, body.ToArray(), children));
            offset = cursor.Position;
        }

        Assert.False(cursor.Malformed, $"box header cut or box overrunning its parent at {baseOffset + offset}");
        Assert.Equal(data.Length, offset);
        return boxes;
    }
}
