using System.Buffers.Binary;
using System.Text;
using LiveMux.Media.Sdp;
using LiveMux.Tests;

namespace LiveMux.Media.Tests.Fuzz;

/// <summary>RTP packets of one track, with the SDP that describes the track.</summary>
internal sealed record RtpSeed(string Name, string Sdp, MediaTrack Track, List<byte[]> Packets);

/// <summary>
/// The committed seed corpus, TestData/Fuzz/&lt;target&gt;/: <c>*.bin</c> inputs for the byte parsers, and for the
/// depacketizers <c>name.sdp</c> (one media section) with <c>name.rtp</c> (RFC 4571 framing: 16-bit length, packet).
/// Most seeds come from the test tables (<see cref="FuzzSeeds"/>); <c>gst_*</c> video seeds are recorded by
/// tests/tools/record_video_rtp_seeds.sh; <c>crash-*</c> seeds are inputs that once broke a property.
/// </summary>
internal static class FuzzCorpus
{
    public static readonly string[] ByteTargets = ["sdp", "h264-sps", "h265-sps", "aac-asc", "latm-smc", "fmp4"];
    public static readonly string[] RtpTargets = ["rtp-h264", "rtp-h265", "rtp-aac", "rtp-latm", "rtp-opus", "rtp-g711"];

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "Fuzz");

    public static string SourceDirectory => Path.Combine(RepoPaths.Root, "tests", "LiveMux.Media.Tests", "TestData", "Fuzz");

    public static IReadOnlyList<string> Names(string target) =>
        System.IO.Directory.EnumerateFiles(Path.Combine(Directory, target))
            .Where(f => f.EndsWith(".bin", StringComparison.Ordinal) || f.EndsWith(".rtp", StringComparison.Ordinal))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    public static byte[] Bytes(string target, string name) => File.ReadAllBytes(Path.Combine(Directory, target, name));

    public static IReadOnlyList<byte[]> AllBytes(string target) => Names(target).Select(n => Bytes(target, n)).ToList();

    public static RtpSeed Rtp(string target, string name)
    {
        var stem = Path.GetFileNameWithoutExtension(name);
        var sdp = File.ReadAllText(Path.Combine(Directory, target, stem + ".sdp"));
        Assert.True(SessionDescription.TryParse(Encoding.UTF8.GetBytes(sdp), out var description, out var error), error);
        return new RtpSeed(stem, sdp, description.Tracks.Single(), Unframe(Bytes(target, stem + ".rtp")));
    }

    public static IReadOnlyList<RtpSeed> AllRtp(string target) => Names(target).Select(n => Rtp(target, n)).ToList();

    public static byte[] Frame(IEnumerable<byte[]> packets)
    {
        var output = new MemoryStream();
        Span<byte> length = stackalloc byte[2];
        foreach (var p in packets)
        {
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)p.Length);
            output.Write(length);
            output.Write(p);
        }

        return output.ToArray();
    }

    public static List<byte[]> Unframe(byte[] data)
    {
        var packets = new List<byte[]>();
        for (var offset = 0; offset + 2 <= data.Length;)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(offset));
            packets.Add(data.AsSpan(offset + 2, length).ToArray());
            offset += 2 + length;
        }

        return packets;
    }
}
