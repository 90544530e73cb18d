using LiveMux.Media.Formats;
using LiveMux.Media.Sdp;
using LiveMux.Rtsp.Server;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Publish;

/// <summary>
/// A publish stream's door for publishers: one per stream, outliving the stream's source runs (the hub makes a
/// new <see cref="PublishSource"/> per run), so the RTSP server finds it by stream name at any time.
/// <code>
///   TryBegin (ANNOUNCE) --one at a time--> PublishSession --OnRecord--> attached to the waiting run's sink
///   run:  WaitForRecordAsync ... watch the session (media timeout) ... Release --> the next run waits again
/// </code>
/// The point only takes and hands over publishers; samples are made by the session, on the publisher's thread.
/// </summary>
internal sealed class PublishPoint(string stream, TimeProvider time, ILogger logger) : IRtspPublishTarget
{
    /// <summary>What viewers and the API are told while no publisher is connected.</summary>
    public const string WaitingReason = "waiting for the publisher";

    public const string Busy = "another publisher is connected";

    private readonly Lock _gate = new();
    private PublishSession? _current;
    private TaskCompletionSource<PublishSession>? _waiter;
    private ISampleSink? _waitingSink;
    private string? _closed;

    public string Stream => stream;

    public TimeProvider Time => time;

    public ILogger Logger => logger;

    public PublisherInfo? Publisher => Volatile.Read(ref _current)?.Info;

    public IRtspPublishSession? TryBegin(IReadOnlyList<MediaTrack> tracks, RtspPublisherInfo publisher, Action<string> disconnect, out string? refusal)
    {
        var chosen = Choose(tracks, out var none);
        lock (_gate)
        {
            refusal = _closed is { } closed ? $"the stream is gone ({closed})"
                : _current is not null ? Busy
                : none;
            if (refusal is null)
            {
                var session = new PublishSession(this, chosen, new PublisherInfo(publisher.Remote, null, time.GetUtcNow()), disconnect);
                Volatile.Write(ref _current, session);
                if (logger.IsEnabled(LogLevel.Information))
                {
                    var names = string.Join(", ", chosen.Select(c => c.Format.EncodingName));
                    PublishLog.Announced(logger, stream, publisher.Remote, names);
                }

                return session;
            }
        }

        PublishLog.Refused(logger, stream, publisher.Remote, refusal);
        return null;
    }

    /// <summary>
    /// Waits until a publisher records, then attaches it to <paramref name="sink"/> (its formats and configs are
    /// told before this returns). A publisher already recording and not yet taken is taken at once; otherwise the
    /// sink is told it waits (<see cref="WaitingReason"/>) once the wait is registered, so a publisher that records
    /// from then on is taken at its RECORD and loses no packet.
    /// </summary>
    public async Task<PublishSession> WaitForRecordAsync(ISampleSink sink, CancellationToken ct)
    {
        TaskCompletionSource<PublishSession> waiter;
        lock (_gate)
        {
            if (_current is { } current && current.TryAttach(sink))
            {
                return current;
            }

            _waiter?.TrySetCanceled(CancellationToken.None);
            waiter = new TaskCompletionSource<PublishSession>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiter = waiter;
            _waitingSink = sink;
            sink.OnWaiting(WaitingReason);
        }

        using var registration = ct.Register(() =>
        {
            lock (_gate)
            {
                if (_waiter == waiter)
                {
                    _waiter = null;
                    _waitingSink = null;
                }
            }

            waiter.TrySetCanceled(ct);
        });

        var session = await waiter.Task.ConfigureAwait(false);
        if (ct.IsCancellationRequested)
        {
            // Taken just as the run was cancelled: it has no run to watch it now.
            session.Disconnect("the stream stopped");
            throw new OperationCanceledException(ct);
        }

        return session;
    }

    /// <summary>The publisher's RECORD: a run that waits takes it now, so its first packets are not lost.</summary>
    internal void OnRecorded(PublishSession session)
    {
        lock (_gate)
        {
            if (_current != session || _waiter is not { } waiter || !session.TryAttach(_waitingSink!))
            {
                return;
            }

            _waiter = null;
            _waitingSink = null;
            waiter.TrySetResult(session);
        }
    }

    /// <summary>The session is over for the hub (the publisher left, timed out, or its run ended): the door is free.</summary>
    internal void Release(PublishSession session)
    {
        lock (_gate)
        {
            if (_current == session)
            {
                Volatile.Write(ref _current, null);
            }
        }
    }

    /// <summary>The stream was removed, replaced or shut down: its publisher is disconnected and no new one is taken.</summary>
    public void Close(string reason)
    {
        PublishSession? current;
        lock (_gate)
        {
            // A waiting run ends by its own cancellation, which comes next: ended here, it would look like a crash.
            _closed ??= reason;
            current = _current;
        }

        current?.Disconnect(reason);
    }

    private List<PublishedTrack> Choose(IReadOnlyList<MediaTrack> tracks, out string? none)
    {
        var choice = new TrackChoice();
        var chosen = new List<PublishedTrack>();
        for (var i = 0; i < tracks.Count; i++)
        {
            if (choice.IsSupported(tracks[i]) && MediaFormat.FromTrack(tracks[i], out _) is { } format)
            {
                chosen.Add(new PublishedTrack(i, tracks[i], format));
            }
            else
            {
                PublishLog.TrackNotCarried(logger, stream, i, tracks[i].EncodingName);
            }
        }

        none = chosen.Count > 0 ? null
            : "no track can be carried: " + (choice.UnsupportedVideo ?? "no supported video or audio codec was announced");
        return chosen;
    }
}

/// <summary>One announced track the hub carries: its index in the publisher's SDP, the track, its format.</summary>
internal sealed record PublishedTrack(int Announced, MediaTrack Track, MediaFormat Format);
