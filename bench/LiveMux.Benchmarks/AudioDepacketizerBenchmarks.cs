using BenchmarkDotNet.Attributes;
using LiveMux.Media.Codecs.Flac;
using LiveMux.Media.Formats;
using LiveMux.Media.Rtp;

namespace LiveMux.Benchmarks;

/// <summary>
/// Each audio depacketizer over a recorded GStreamer capture, replayed endlessly, reported per RTP packet:
/// AAC RFC 3640 (<see cref="AacDepacketizer"/>, AAC-hbr, 44.1 kHz stereo), MP4A-LATM (<see cref="LatmDepacketizer"/>),
/// Opus (20 ms stereo) and G.711 PCMA (<see cref="G711Depacketizer"/>, which encodes each 20 ms packet to a FLAC
/// frame, so the FLAC encoder is measured too). The floor copies the same RTP payloads once.
/// Target: 0 bytes allocated per packet.
/// </summary>
[MemoryDiagnoser]
public class AudioDepacketizerBenchmarks
{
    private const int Packets = 100;

    private RtpReplay _replay = null!;
    private IDepacketizer _depacketizer = null!;
    private G711ToFlac? _flac;

    [Params("aac_lc_44100_stereo", "latm_44100_stereo", "opus_stereo_20ms", "pcma_8000")]
    public string Capture { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        (_replay, var track) = RecordedAudio.Load(Capture);
        var format = MediaFormat.FromTrack(track, out _) ?? throw new InvalidOperationException($"no depacketizer for {Capture}");
        _depacketizer = format.CreateDepacketizer();

        // The browser path of G.711: the MSE egress re-encodes each unit as FLAC, measured here with it.
        _flac = format is G711Format g711 ? new G711ToFlac(g711.ALaw, g711.ClockRate, g711.Channels, FlacFrameEncoder.MaxBlockSize) : null;
        for (var i = 0; i < 3; i++)
        {
            _replay.Depacketize(_depacketizer, _replay.Count, _flac);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _depacketizer.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Packets, Description = "floor: copy payloads")]
    public int Copy() => _replay.Copy(Packets);

    [Benchmark(OperationsPerInvoke = Packets, Description = "depacketize")]
    public int Depacketize() => _replay.Depacketize(_depacketizer, Packets, _flac);
}
