using System.Text;
using LiveMux.Media.Mp4.Reading;
using LiveMux.Media.Tests.Codecs.Aac;
using LiveMux.Media.Tests.Codecs.H264;
using LiveMux.Media.Tests.Codecs.H265;
using LiveMux.Media.Tests.Mp4;
using LiveMux.Media.Tests.Mp4.Reading;
using LiveMux.Media.Tests.Rtp;
using LiveMux.Media.Tests.Sdp;

namespace LiveMux.Media.Tests.Fuzz;

/// <summary>
/// The seeds the corpus takes from the existing test tables and recordings: camera-style SDPs, the SPS samples,
/// the AudioSpecificConfig table, our own fMP4 output, synthetic H.264/H.265 streams packetized by the
/// independent test packetizers, and the first packets of each recorded audio capture (tests/tools/record_audio_rtp.sh).
/// </summary>
internal static class FuzzSeeds
{
    private const int AudioPackets = 12;

    public static IEnumerable<(string Target, string File, byte[] Content)> Build()
    {
        foreach (var field in typeof(CameraSdps).GetFields().Where(f => f.IsLiteral))
        {
            yield return ("sdp", Slug(field.Name) + ".bin", Encoding.UTF8.GetBytes((string)field.GetRawConstantValue()!));
        }

        foreach (var (name, sample) in SpsSamples.All)
        {
            yield return ("h264-sps", Slug(name) + ".bin", sample.SpsBytes);
        }

        foreach (var (name, sample) in H265SpsSamples.All)
        {
            yield return ("h265-sps", Slug(name) + ".bin", sample.SpsBytes);
        }

        foreach (var row in AudioSpecificConfigTests.Valid)
        {
            yield return ("aac-asc", Slug((string)row[0]) + ".bin", Convert.FromHexString((string)row[1]));
        }

        foreach (var name in new[] { "baseline_320x240", "high_1920x1080_cropped" })
        {
            var track = InitSegmentTests.Avc1Track(SpsSamples.All[name]);
            yield return ("fmp4", Slug(name) + ".bin", Fmp4ReaderRoundTripTests.Stream(track, out _));
        }

        var captures = new[] { ("rtp-aac", "aac_lc_44100_stereo"), ("rtp-aac", "aac_lc_48000_mono_fragmented"), ("rtp-latm", "latm_44100_stereo"),
            ("rtp-latm", "latm_48000_mono_fragmented"), ("rtp-opus", "opus_mono_60ms"), ("rtp-opus", "opus_stereo_20ms"),
            ("rtp-g711", "pcma_8000"), ("rtp-g711", "pcmu_8000") };
        foreach (var (target, name) in captures)
        {
            var capture = AudioCapture.Load(name);
            yield return (target, name + ".sdp", Encoding.UTF8.GetBytes(capture.Sdp));
            yield return (target, name + ".rtp", FuzzCorpus.Frame(capture.Packets.Take(AudioPackets)));
            if (target == "rtp-latm")
            {
                yield return ("latm-smc", name + ".bin", Convert.FromHexString(capture.Track.FormatParameters["config"]));
            }
        }

        var h264 = new (string Name, SyntheticH264.Stream Stream, PacketizerOptions Packetizer, bool Sprop)[]
        {
            ("stap_fu_inband", new(Frames: 4, Gop: 2, IdrSliceBytes: 1500, SliceBytes: 200), new() { Mtu = 600 }, false),
            ("single_nal_sprop", new(Frames: 3, Gop: 3, IdrSliceBytes: 400, SliceBytes: 100, ParameterSetsInBand: false, AudAndFiller: true), new() { Aggregate = false }, true),
            ("two_slices_marker_every_slice", new(Frames: 5, Gop: 2, SlicesPerFrame: 2, IdrSliceBytes: 700, SliceBytes: 90), new() { Mtu = 500, Marker = MarkerPolicy.EverySlice }, false),
        };
        foreach (var (name, stream, packetizer, sprop) in h264)
        {
            var packets = new Rfc6184TestPacketizer(packetizer).Packetize(SyntheticH264.Frames(stream));
            var fmtp = "packetization-mode=1" + (sprop
                ? $";sprop-parameter-sets={Convert.ToBase64String(SyntheticH264.Sps320)},{Convert.ToBase64String(SyntheticH264.Pps320)}"
                : "");
            yield return ("rtp-h264", name + ".sdp", Encoding.UTF8.GetBytes(VideoSdp("H264", fmtp)));
            yield return ("rtp-h264", name + ".rtp", FuzzCorpus.Frame(packets));
        }

        var h265 = new (string Name, SyntheticH265.Stream Stream, PacketizerOptions Packetizer, bool Sprop)[]
        {
            ("ap_fu_inband", new(Frames: 4, Gop: 2, KeySliceBytes: 1500, SliceBytes: 200), new() { Mtu = 600 }, false),
            ("single_sprop_cra", new(Frames: 3, Gop: 3, KeySliceBytes: 400, SliceBytes: 100, ParameterSetsInBand: false, AudAndFiller: true, KeyframeType: 21), new() { Aggregate = false }, true),
        };
        foreach (var (name, stream, packetizer, sprop) in h265)
        {
            var packets = new Rfc7798TestPacketizer(packetizer).Packetize(SyntheticH265.Frames(stream));
            var fmtp = sprop
                ? $"sprop-vps={Convert.ToBase64String(SyntheticH265.Vps)};sprop-sps={Convert.ToBase64String(SyntheticH265.Sps)};sprop-pps={Convert.ToBase64String(SyntheticH265.Pps)}"
                : "profile-id=1";
            yield return ("rtp-h265", name + ".sdp", Encoding.UTF8.GetBytes(VideoSdp("H265", fmtp)));
            yield return ("rtp-h265", name + ".rtp", FuzzCorpus.Frame(packets));
        }
    }

    private static string VideoSdp(string codec, string fmtp) =>
        "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=seed\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n" +
        $"a=rtpmap:96 {codec}/90000\r\na=fmtp:96 {fmtp}\r\na=control:trackID=0\r\n";

    private static string Slug(string name) =>
        new string(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_').ToArray()).Trim('_');
}
