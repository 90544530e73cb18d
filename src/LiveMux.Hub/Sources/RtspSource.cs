using LiveMux.Media.Formats;
using LiveMux.Rtsp;
using Microsoft.Extensions.Logging;
using LiveMux.Rtsp.Client;

namespace LiveMux.Hub.Sources;

/// <summary>A camera over RTSP: PLAY, then RTP packets through one depacketizer per track.</summary>
internal sealed class RtspSource(RtspUrl url, RtspClientOptions options, ILogger logger, TimeProvider time) : IStreamSource
{
    // The client's messages never quote the password; a camera's echoed text could. Hidden by value all the same.
    private readonly SecretRedactor _redactor = new([url.Password]);
    private readonly TrackChoice _choice = new();

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
            await session.RunAsync(new RtpPacketRouter(session.Tracks, depacketizers, sink), ct).ConfigureAwait(false);
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
            return await client.PlayAsync(url, _choice.IsSupported, ct).ConfigureAwait(false);
        }
        catch (RtspException e) when (e.Kind == RtspErrorKind.NoSupportedTracks && _choice.UnsupportedVideo is { } why)
        {
            // The track list alone does not say why a video track we know by name was refused.
            throw new RtspException(e.Kind, $"{e.Message}: {why}", e);
        }
    }
}
