using System.Globalization;
using LiveMux.Hub;
using LiveMux.Hub.Distribution;
using LiveMux.Media.Formats;
using LiveMux.Rtsp.Server;

namespace LiveMux.Server.Egress.Rtsp;

/// <summary>
/// Serves one stream at a path of an <see cref="RtspServer"/>: one live subscription to its samples, each track
/// packetized once by its typed format (<see cref="RtpEgress"/>: the camera's own codec, SDP and parameter sets)
/// into a <see cref="ServerStream"/>, which keeps the GOP for instant joins and gives every RTSP client its own
/// live queue. The mount appears with the stream's first format and is replaced when its codecs change.
/// </summary>
internal sealed class RtspEgress(LiveStream stream, RtspServer server, string path, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _mounted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _running = Task.CompletedTask;
    private Mount? _mount;

    /// <summary>Completes once the stream is mounted (its first format has come).</summary>
    public Task Mounted => _mounted.Task;

    public void Start() => _running = Task.Run(() => RunAsync(_stopping.Token));

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var subscription = stream.Subscribe(SubscriptionPolicy.Live);
                while (await subscription.ReadAsync(ct).ConfigureAwait(false) is { } item)
                {
                    try
                    {
                        Relay(item);
                    }
                    finally
                    {
                        item.Frame?.Release();
                    }
                }

                if (!subscription.Abandoned.IsCancellationRequested)
                {
                    // The stream ended (removed, shutting down): nothing more will come.
                    RtspEgressLog.Ended(logger, stream.Name, subscription.CloseReason ?? "stream ended");
                    return;
                }

                // Too slow to keep up (a stalled thread pool): start again from the stream's GOP.
                RtspEgressLog.Resubscribing(logger, stream.Name, subscription.CloseReason ?? "");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            RtspEgressLog.Failed(logger, stream.Name, e);
        }
        finally
        {
            _mounted.TrySetCanceled(CancellationToken.None);
        }
    }

    private void Relay(in Delivery<Sample> item)
    {
        if (item.Format is { } format)
        {
            OnFormat(format);
            return;
        }

        if (item.Frame is not { } sample || _mount is not { } mount || (uint)item.Track >= (uint)mount.Egresses.Length
            || mount.Egresses[item.Track] is not { } egress)
        {
            return;
        }

        RtpFrame frame;
        try
        {
            // RTP carries the presentation time; the hub's timeline keeps it continuous across camera reconnects.
            frame = egress.Packetize(sample.Data, sample.PresentationTime, item.StartsGop);
        }
        catch (ArgumentException e)
        {
            RtspEgressLog.Refused(logger, stream.Name, item.Track, e.Message);
            return;
        }

        mount.Stream.WriteFrame(mount.Slots[item.Track], frame);
    }

    /// <summary>Mounts the stream's tracks that have a typed format; the same codecs keep the mount (and its clients).</summary>
    private void OnFormat(StreamFormat format)
    {
        var codecs = string.Join(",", Enumerable.Range(0, format.Tracks.Count).Select(i => format.FormatOf(i)?.EncodingName ?? "-"));
        if (_mount is { } current && current.Codecs == codecs)
        {
            return;
        }

        var egresses = new RtpEgress?[format.Tracks.Count];
        var slots = new int[format.Tracks.Count];
        var tracks = new List<RtspTrack>();
        for (var i = 0; i < egresses.Length; i++)
        {
            if (format.FormatOf(i) is not { } typed)
            {
                RtspEgressLog.NoFormat(logger, stream.Name, i, format.Tracks[i].Codec);
                continue;
            }

            IReadOnlyList<string>? attributes = format.Tracks[i].FrameRate is { } fps
                ? [string.Create(CultureInfo.InvariantCulture, $"framerate:{fps:0.###}")]
                : null;
            egresses[i] = new RtpEgress(typed, new RtpEgressOptions { SdpAttributes = attributes ?? [] });
            slots[i] = tracks.Count;
            tracks.Add(egresses[i]!.Track);
        }

        if (tracks.Count == 0)
        {
            return;
        }

        var mount = new Mount(codecs, new ServerStream(tracks), egresses, slots);
        if (_mount is not null)
        {
            server.Unmount(path);
        }

        server.Mount(path, mount.Stream);
        _mount = mount;
        _mounted.TrySetResult();
        RtspEgressLog.Mounted(logger, stream.Name, path, codecs);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        if (_mount is not null)
        {
            server.Unmount(path);
        }

        _stopping.Dispose();
    }

    /// <summary>One mount: the codecs it was made for, its server stream, and each stream track's egress and server track.</summary>
    private sealed record Mount(string Codecs, ServerStream Stream, RtpEgress?[] Egresses, int[] Slots);
}
