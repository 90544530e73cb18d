using BenchmarkDotNet.Attributes;
using LiveMux.Hub.Timeline;
using LiveMux.Media.Mp4;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveMux.Benchmarks;

/// <summary>
/// The hub's per-unit timing step: a video unit and an audio unit of a running session (config check, then
/// placement on the synced timeline). Reported per unit. Target: 0 bytes allocated per unit.
/// </summary>
[MemoryDiagnoser]
public class TrackSynchronizerBenchmarks
{
    private const int Pairs = 30;

    private static readonly TrackConfig Video = new()
    {
        Kind = TrackKind.Video, Codec = "avc1.42E01E", Timescale = 90000, SampleEntry = [1], FrameRate = 30,
    };

    private static readonly TrackConfig Audio = new()
    {
        Kind = TrackKind.Audio, Codec = "mp4a.40.2", Timescale = 48000, SampleEntry = [2],
    };

    private TrackSynchronizer _sync = null!;
    private long _videoTs;
    private long _audioTs;

    [GlobalSetup]
    public void Setup()
    {
        _sync = new TrackSynchronizer("bench", TimeSpan.FromSeconds(2), TimeProvider.System, NullLogger.Instance);
        _sync.StartSession(2);
        _sync.OnTrackConfig(1, Audio);
        PlacePairs();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 2 * Pairs, Description = "floor: advance the timestamps")]
    public long AdvancePairs()
    {
        long sum = 0;
        for (var i = 0; i < Pairs; i++)
        {
            sum += _videoTs += 3000;
            sum += _audioTs += 1600;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = 2 * Pairs, Description = "place one unit (video + audio)")]
    public long PlacePairs()
    {
        long sum = 0;
        for (var i = 0; i < Pairs; i++)
        {
            sum += Place(0, Video, _videoTs += 3000, 0);
            sum += Place(1, Audio, _audioTs += 1600, 1600);
        }

        return sum;
    }

    private long Place(int track, TrackConfig config, long timestamp, int duration)
    {
        _sync.OnUnitConfig(track, config);
        // A dropped unit would measure an early return, not the placement.
        return _sync.Place(track, config, timestamp, timestamp, duration, out var placed) is var result && result == PlaceResult.Placed
            ? (long)placed.Dts
            : throw new InvalidOperationException($"track {track}: {result}");
    }
}
