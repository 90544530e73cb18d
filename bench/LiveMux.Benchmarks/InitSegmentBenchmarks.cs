using BenchmarkDotNet.Attributes;
using LiveMux.Media.Formats;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.H264;

namespace LiveMux.Benchmarks;

/// <summary>
/// <see cref="InitSegment"/> (ftyp+moov) for H.264 + AAC, built once per stream and per configuration change,
/// not per frame: it returns a new array, so it allocates by design. The floor copies the two sample entries.
/// </summary>
[MemoryDiagnoser]
public class InitSegmentBenchmarks
{
    private TrackConfig[] _tracks = null!;
    private byte[] _scratch = null!;

    [GlobalSetup]
    public void Setup()
    {
        var gop = NalClip.Gop(h265: false, frames: 1, keySliceBytes: 200, sliceBytes: 200, slices: 1);
        var replay = new RtpReplay(NalClip.Packetize(gop, h265: false, NalPacketization.Single), NalClip.FrameTicks);
        using var video = new H264Depacketizer();
        replay.Depacketize(video, replay.Count);
        var (_, track) = RecordedAudio.Load("aac_lc_44100_stereo");
        using var audio = MediaFormat.FromTrack(track, out _)!.CreateDepacketizer();
        _tracks = [video.Config ?? throw new InvalidOperationException("no H.264 config"), audio.Config!];
        _scratch = new byte[_tracks.Sum(t => t.SampleEntry.Length)];
    }

    [Benchmark(Baseline = true, Description = "floor: copy sample entries")]
    public int Copy()
    {
        _tracks[0].SampleEntry.CopyTo(_scratch, 0);
        _tracks[1].SampleEntry.CopyTo(_scratch, _tracks[0].SampleEntry.Length);
        return _scratch.Length;
    }

    [Benchmark(Description = "ftyp+moov, H.264 + AAC")]
    public int Build() => InitSegment.Build(_tracks).Length;
}
