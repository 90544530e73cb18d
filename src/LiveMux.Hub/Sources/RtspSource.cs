using LiveMux.Media.Formats;
using LiveMux.Media.Rtp;
using LiveMux.Media.Sdp;
using LiveMux.Rtsp;
using Microsoft.Extensions.Logging;
using LiveMux.Rtsp.Client;

namespace LiveMux.Hub.Sources;

/// <summary>A camera over RTSP: PLAY, then RTP packets through one depacketizer per track.</summary>
internal sealed class RtspSource(RtspUrl url, RtspClientOptions options, ILogger logger, TimeProvider time) : IStreamSource
{
    // The client's messages never quote the password; a camera's echoed text could. Hidden by value all the same.
    private readonly SecretRedactor _redactor = new([url.Password]);

    private RtspPlaySession? _session;

    public string Description => url.ToString();

    public void RequestKeyframe()
    {
        if (Volatile.Read(ref _session) is { } session)
        {
            for (var i = 0; i < session.Tracks.Count; i++)
            {
                if (session.Tracks[i].MediaType == "video")
                {
                    session.RequestKeyframe(i);
                }
            }
        }
    }

    public async Task RunAsync(ISampleSink sink, CancellationToken ct)
    {
        try
        {
            await RunSessionAsync(sink, ct).ConfigureAwait(false);
        }
        catch (RtspException e)
        {
            // The stream knows no RTSP errors: it gets the detail, the viewers' reason and the retry floor.
            throw RtspFailure.ToSourceFailure(e, _redactor.Redact(e.Message));
        }
    }

    private async Task RunSessionAsync(ISampleSink sink, CancellationToken ct)
    {
        var client = new RtspClient(options, logger, time);
        await using var session = await PlayAsync(client, ct).ConfigureAwait(false);
        var formats = session.Tracks.Select(t => MediaFormat.FromTrack(t, out _)!).ToArray();
        var depacketizers = formats.Select(f => f.CreateDepacketizer()).ToArray();
        Func<ReceptionStats> stats = () => RtspFailure.ToReception(session.GetStats());
        try
        {
            sink.OnReceptionStats(stats);
            sink.OnSessionStarted(depacketizers.Length);
            for (var i = 0; i < depacketizers.Length; i++)
            {
                sink.OnTrackFormat(i, formats[i]);

                // Audio configs come from the SDP: the init segment need not wait for the first audio frame.
                if (depacketizers[i].Config is { } config)
                {
                    sink.OnTrackConfig(i, config);
                }
            }

            Volatile.Write(ref _session, session);
            await session.RunAsync(new PacketRouter(session.Tracks, depacketizers, sink), ct).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _session, null);
            sink.OnReceptionEnded(stats, stats());
            foreach (var d in depacketizers)
            {
                d.Dispose();
            }
        }
    }

    private async Task<RtspPlaySession> PlayAsync(RtspClient client, CancellationToken ct)
    {
        try
        {
            return await client.PlayAsync(url, IsSupported, ct).ConfigureAwait(false);
        }
        catch (RtspException e) when (e.Kind == RtspErrorKind.NoSupportedTracks && _unsupportedVideo is { } why)
        {
            // The track list alone does not say why a video track we know by name was refused.
            throw new RtspException(e.Kind, $"{e.Message}: {why}", e);
        }
    }

    // The first supported video and the first supported audio track; MSE plays one of each. Which codecs
    // are supported is the format factory's business, so a new depacketizer needs no change here.
    private bool _videoChosen;
    private bool _audioChosen;
    private string? _unsupportedVideo;

    private bool IsSupported(MediaTrack track)
    {
        var video = track.MediaType == "video";
        if ((!video && track.MediaType != "audio") || (video ? _videoChosen : _audioChosen))
        {
            return false;
        }

        if (MediaFormat.UnsupportedReason(track) is { } why)
        {
            if (video)
            {
                _unsupportedVideo ??= why;
            }

            return false;
        }

        if (video)
        {
            _videoChosen = true;
        }
        else
        {
            _audioChosen = true;
        }

        return true;
    }

    private sealed class PacketRouter(IReadOnlyList<MediaTrack> tracks, IDepacketizer[] depacketizers, ISampleSink sink) : IRtpSink
    {
        public void OnRtcpPacket(int trackIndex, ReadOnlySpan<byte> data)
        {
            if ((uint)trackIndex < (uint)depacketizers.Length && RtcpSenderReport.TryFind(data, out var report))
            {
                sink.OnSenderReport(trackIndex, report);
            }
        }

        public void OnMalformedRtp(int trackIndex, RtpParseStatus status, int size)
        {
            sink.OnPacket(size);
            if ((uint)trackIndex < (uint)depacketizers.Length)
            {
                sink.OnDrop(DropReason.Malformed);
            }
        }

        public void OnRtpPacket(int trackIndex, in RtpPacket packet, int size)
        {
            sink.OnPacket(size);
            if ((uint)trackIndex >= (uint)depacketizers.Length)
            {
                return;
            }

            if (packet.PayloadType != tracks[trackIndex].PayloadType)
            {
                sink.OnDrop(DropReason.Malformed);
                return;
            }

            var depacketizer = depacketizers[trackIndex];
            switch (depacketizer.Push(packet, out var unit))
            {
                case DepacketizeStatus.AccessUnit:
                    sink.OnSample(trackIndex, depacketizer.Config!, unit.ToSample());
                    while (depacketizer.TryTakeNext(out unit))
                    {
                        sink.OnSample(trackIndex, depacketizer.Config!, unit.ToSample());
                    }

                    break;
                case DepacketizeStatus.Dropped:
                    sink.OnDrop(depacketizer.LastDropReason);
                    break;
            }
        }
    }
}
