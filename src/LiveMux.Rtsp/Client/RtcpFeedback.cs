using LiveMux.Media.Sdp;
using LiveMux.Rtsp.Rtp;
using LiveMux.Rtsp.Transport;
using Microsoft.Extensions.Logging;

namespace LiveMux.Rtsp.Client;

/// <summary>
/// What a UDP session sends back to the camera over RTCP (RFC 3550 section 6.4.2, RFC 4585 section 6.3.1): a receiver
/// report per track every <see cref="RtspClientOptions.ReceiverReportInterval"/>, and keyframe requests (PLI) for
/// video tracks, paced by <see cref="KeyframeRequestPacer"/>.
/// <code>
///   loop, every pass: reorder skips per track --> pacer due? --> PLI to the track's RTCP port
///                     report interval over?  --> RR per track (loss, jitter, LSR/DLSR from the last SR)
/// </code>
/// Loop only, except the counters, which <see cref="RtspPlaySession.GetStats"/> reads from any thread.
/// </summary>
internal sealed class RtcpFeedback
{
    private readonly UdpReceiver _udp;
    private readonly TrackReception[] _reception;
    private readonly IReadOnlyList<MediaTrack> _tracks;
    private readonly KeyframeRequestPacer[] _pacers;
    private readonly bool _requestOnLoss;
    private readonly TimeSpan _reportInterval;
    private readonly uint _ourSsrc;
    private readonly string _cname;
    private readonly string _url;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _lastReportAt;
    private long _reportsSent;
    private long _keyframeRequests;

    public RtcpFeedback(
        UdpReceiver udp, TrackReception[] reception, IReadOnlyList<MediaTrack> tracks, RtspClientOptions options,
        uint ourSsrc, string cname, string url, long start, TimeProvider time, ILogger logger)
    {
        _udp = udp;
        _reception = reception;
        _tracks = tracks;
        _pacers = [.. tracks.Select(_ => new KeyframeRequestPacer(options.KeyframeRequestMinInterval, time))];
        _requestOnLoss = options.RequestKeyframeOnLoss;
        _reportInterval = options.ReceiverReportInterval;
        _ourSsrc = ourSsrc;
        _cname = cname;
        _url = url;
        _time = time;
        _logger = logger;
        _lastReportAt = start;
    }

    /// <summary>The loop has started: the first report is due one interval from now.</summary>
    public void Start(long now) => _lastReportAt = now;

    public long ReportsSent => Interlocked.Read(ref _reportsSent);
    public long KeyframeRequests => Interlocked.Read(ref _keyframeRequests);

    /// <summary>A viewer needs a keyframe: asked for at the next pass, within the pacing.</summary>
    public void RequestKeyframe(int track)
    {
        if ((uint)track < (uint)_pacers.Length && IsVideo(track))
        {
            _pacers[track].Request();
        }
    }

    /// <summary>After the reorder buffer of <paramref name="track"/> was polled: a PLI when loss or a request calls for one.</summary>
    public void AfterPoll(int track, long skipped, long now)
    {
        if (!IsVideo(track) || !_pacers[track].IsDue(skipped, _requestOnLoss, now))
        {
            return;
        }
        var stats = _reception[track].Stats;
        if (stats.Received == 0)
        {
            return; // no SSRC to name yet
        }
        _pacers[track].Sent(now);
        if (_udp.Send(track, true, RtcpPictureLoss.Encode(_ourSsrc, stats.Ssrc, null, _cname)))
        {
            Interlocked.Increment(ref _keyframeRequests);
            RtspLog.KeyframeRequested(_logger, _url, track);
        }
    }

    public void SendReportsIfDue(long now)
    {
        if (_time.GetElapsedTime(_lastReportAt, now) < _reportInterval)
        {
            return;
        }
        _lastReportAt = now;
        for (var i = 0; i < _reception.Length; i++)
        {
            if (_udp.Send(i, true, RtcpReceiverReport.Encode(_ourSsrc, ReportBlock(_reception[i], now, _time), _cname)))
            {
                Interlocked.Increment(ref _reportsSent);
                RtspLog.ReceiverReportSent(_logger, _url, i);
            }
        }
    }

    /// <summary>The report block of one track, null before its first packet; takes the fraction lost since the last one.</summary>
    internal static RtcpReceiverReport.Block? ReportBlock(TrackReception r, long now, TimeProvider time)
    {
        var s = r.Stats;
        if (s.Received == 0)
        {
            return null;
        }
        var haveSr = r.LastSenderReportAt >= 0;
        return new RtcpReceiverReport.Block(
            s.Ssrc, s.TakeFractionLost(), (int)Math.Clamp(s.CumulativeLost, int.MinValue, int.MaxValue),
            s.ExtendedHighestSequence, (uint)Math.Min(uint.MaxValue, s.Jitter),
            haveSr ? r.LastSenderReportMiddle : 0,
            haveSr ? RtcpReceiverReport.ToDlsr(time.GetElapsedTime(r.LastSenderReportAt, now)) : 0);
    }

    private bool IsVideo(int track) => _tracks[track].MediaType == "video";
}
