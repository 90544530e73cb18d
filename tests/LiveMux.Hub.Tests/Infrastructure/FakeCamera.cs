using System.Threading.Channels;
using LiveMux.Hub.Sources;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;

namespace LiveMux.Hub.Tests.Infrastructure;

/// <summary>
/// A scriptable upstream. Every <see cref="IStreamSource.RunAsync"/> is one <see cref="FakeSession"/>;
/// the test pushes frames into it from its own thread (as a camera loop would, one caller at a time) and
/// ends it with a failure, or watches the stream cancel it.
/// </summary>
internal sealed class FakeCamera
{
    private readonly Channel<FakeSession> _started = Channel.CreateUnbounded<FakeSession>();
    private int _runs;

    public int TrackCount { get; set; } = 1;

    /// <summary>Sessions run so far (the stream also creates a source once only to read its description).</summary>
    public int Runs => Volatile.Read(ref _runs);

    public IStreamSource Create() => new FakeSession(this);

    public async Task<FakeSession> NextSessionAsync()
    {
        using var cts = new CancellationTokenSource(Wait.Timeout);
        try
        {
            return await _started.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no new camera session was started");
        }
    }

    /// <summary>Asserts no further session starts within a short real-time wait.</summary>
    public async Task AssertNoNewSessionAsync()
    {
        await Task.Delay(Wait.Quiet);
        Assert.False(_started.Reader.TryPeek(out _), "a camera session started when none should have");
    }

    internal void OnStarted(FakeSession session)
    {
        Interlocked.Increment(ref _runs);
        _started.Writer.TryWrite(session);
    }
}

internal sealed class FakeSession(FakeCamera camera) : IStreamSource
{
    private readonly TaskCompletionSource _failure = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ISampleSink? _sink;

    public string Description => "rtsp://***:***@camera.test:554/live";

    private int _keyframeRequests;

    /// <summary>How often the stream asked this session for a keyframe.</summary>
    public int KeyframeRequests => Volatile.Read(ref _keyframeRequests);

    public void RequestKeyframe() => Interlocked.Increment(ref _keyframeRequests);

    /// <summary>Completes when the stream cancels this session.</summary>
    public Task Cancelled => _cancelled.Task;

    public async Task RunAsync(ISampleSink sink, CancellationToken ct)
    {
        _sink = sink;
        sink.OnSessionStarted(camera.TrackCount);
        using var registration = ct.Register(() => _cancelled.TrySetResult());
        camera.OnStarted(this);
        await Task.WhenAny(_failure.Task, _cancelled.Task).ConfigureAwait(false);
        if (_failure.Task.IsFaulted)
        {
            await _failure.Task.ConfigureAwait(false);
        }

        throw new OperationCanceledException(ct);
    }

    public void Push(TrackConfig config, AccessUnit unit, int track = 0) =>
        (_sink ?? throw new InvalidOperationException("not running")).OnSample(track, config, unit.ToSample());

    /// <summary>Pushes a frame made by <paramref name="h264"/>.</summary>
    public void Push(H264Camera h264, int id, bool keyframe, uint rtpTimestamp, int sliceBytes = 200) =>
        Push(h264.Config, h264.Frame(id, keyframe, rtpTimestamp, sliceBytes));

    /// <summary>Pushes an audio frame of <paramref name="audio"/> on <paramref name="track"/>.</summary>
    public void PushAudio(FakeAudio audio, int id, long timestamp, int track = 1) =>
        Push(audio.Config, audio.Frame(id, timestamp), track);

    /// <summary>A config the source knows before any frame (from the SDP).</summary>
    public void Announce(TrackConfig config, int track) =>
        (_sink ?? throw new InvalidOperationException("not running")).OnTrackConfig(track, config);

    public void SenderReport(int track, RtcpSenderReport report) =>
        (_sink ?? throw new InvalidOperationException("not running")).OnSenderReport(track, report);

    public void Reception(Func<ReceptionStats> read) =>
        (_sink ?? throw new InvalidOperationException("not running")).OnReceptionStats(read);

    public void ReceptionEnded(Func<ReceptionStats> read, ReceptionStats last) =>
        (_sink ?? throw new InvalidOperationException("not running")).OnReceptionEnded(read, last);

    /// <summary>Ends the session with <paramref name="e"/>; an RTSP error as the RTSP source reports it to the stream.</summary>
    public void Fail(Exception e) =>
        _failure.TrySetException(e is LiveMux.Rtsp.RtspException rtsp ? LiveMux.Hub.Sources.RtspFailure.ToSourceFailure(rtsp, rtsp.Message) : e);
}
