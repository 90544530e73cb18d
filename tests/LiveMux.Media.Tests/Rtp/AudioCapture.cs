using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>
/// An RTP capture recorded by tests/tools/record_audio_rtp.sh from GStreamer's payloaders: RFC 4571 framing
/// (16-bit length, RTP packet) and the payloader's caps, turned into the SDP a camera would announce.
/// </summary>
internal sealed partial class AudioCapture
{
    private static readonly HashSet<string> NotFmtp =
        ["media", "clock-rate", "encoding-name", "encoding-params", "payload", "ssrc", "timestamp-offset", "seqnum-offset"];

    private AudioCapture(string name, List<byte[]> packets, string sdp, MediaTrack track)
    {
        Name = name;
        Packets = packets;
        Sdp = sdp;
        Track = track;
    }

    public string Name { get; }

    public List<byte[]> Packets { get; }

    public string Sdp { get; }

    public MediaTrack Track { get; }

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "TestData", "Audio");

    public static AudioCapture Load(string name)
    {
        var data = File.ReadAllBytes(Path.Combine(Directory, name + ".rtp"));
        var packets = new List<byte[]>();
        for (var offset = 0; offset < data.Length;)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(offset));
            packets.Add(data.AsSpan(offset + 2, length).ToArray());
            offset += 2 + length;
        }

        var fields = CapsField().Matches(File.ReadAllText(Path.Combine(Directory, name + ".caps")))
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var pt = fields["payload"];
        var encoding = fields["encoding-name"];
        var rtpmap = $"{encoding}/{fields["clock-rate"]}" + (fields.TryGetValue("encoding-params", out var ch) ? "/" + ch : "");
        var fmtp = string.Join(";", fields.Where(f => !NotFmtp.Contains(f.Key)).Select(f => $"{f.Key}={f.Value}"));
        var sdp = new StringBuilder()
            .Append("v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=capture\r\nt=0 0\r\n")
            .Append($"m=audio 0 RTP/AVP {pt}\r\n")
            .Append(int.Parse(pt) >= 96 ? $"a=rtpmap:{pt} {rtpmap}\r\n" : "")
            .Append(fmtp.Length > 0 ? $"a=fmtp:{pt} {fmtp}\r\n" : "")
            .Append("a=control:trackID=1\r\n")
            .ToString();
        Assert.True(SessionDescription.TryParse(Encoding.UTF8.GetBytes(sdp), out var description, out var error), error);
        return new AudioCapture(name, packets, sdp, description.Tracks.Single());
    }

    [GeneratedRegex(@"([a-z-]+)=\([a-z]+\)([^,]+)")]
    private static partial Regex CapsField();
}
