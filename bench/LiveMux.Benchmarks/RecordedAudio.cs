using System.Buffers.Binary;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using LiveMux.Media.Sdp;

namespace LiveMux.Benchmarks;

/// <summary>
/// A GStreamer payloader's RTP capture from tests/LiveMux.Media.Tests/TestData/Audio (embedded here): RFC 4571
/// framing (16-bit length, RTP packet) plus the payloader's caps, turned into the SDP a camera would announce.
/// </summary>
internal static partial class RecordedAudio
{
    private static readonly HashSet<string> NotFmtp =
        ["media", "clock-rate", "encoding-name", "encoding-params", "payload", "ssrc", "timestamp-offset", "seqnum-offset"];

    public static (RtpReplay Replay, MediaTrack Track) Load(string name)
    {
        var data = Read(name + ".rtp");
        var packets = new List<byte[]>();
        for (var offset = 0; offset < data.Length;)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(offset));
            packets.Add(data.AsSpan(offset + 2, length).ToArray());
            offset += 2 + length;
        }

        var fields = CapsField().Matches(Encoding.UTF8.GetString(Read(name + ".caps")))
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var pt = fields["payload"];
        var rtpmap = $"{fields["encoding-name"]}/{fields["clock-rate"]}" + (fields.TryGetValue("encoding-params", out var ch) ? "/" + ch : "");
        var fmtp = string.Join(";", fields.Where(f => !NotFmtp.Contains(f.Key)).Select(f => $"{f.Key}={f.Value}"));
        var sdp = new StringBuilder()
            .Append("v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=capture\r\nt=0 0\r\n")
            .Append($"m=audio 0 RTP/AVP {pt}\r\n")
            .Append(int.Parse(pt, System.Globalization.CultureInfo.InvariantCulture) >= 96 ? $"a=rtpmap:{pt} {rtpmap}\r\n" : "")
            .Append(fmtp.Length > 0 ? $"a=fmtp:{pt} {fmtp}\r\n" : "")
            .ToString();
        if (!SessionDescription.TryParse(Encoding.UTF8.GetBytes(sdp), out var description, out var error))
        {
            throw new InvalidOperationException(error);
        }

        return (new RtpReplay(packets, Span(packets)), description.Tracks.Single());
    }

    /// <summary>The capture's duration: first to last timestamp plus the most common step between frames.</summary>
    private static uint Span(List<byte[]> packets)
    {
        var timestamps = packets.Select(p => BinaryPrimitives.ReadUInt32BigEndian(p.AsSpan(4))).ToList();
        var step = timestamps.Zip(timestamps.Skip(1), (a, b) => b - a).Where(d => d is > 0 and < 0x8000_0000)
            .GroupBy(d => d).OrderByDescending(g => g.Count()).First().Key;
        return timestamps[^1] - timestamps[0] + step;
    }

    private static byte[] Read(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Audio/" + file)
            ?? throw new InvalidOperationException($"no embedded capture {file}");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    [GeneratedRegex(@"([a-z-]+)=\([a-z]+\)([^,]+)")]
    private static partial Regex CapsField();
}
