namespace LiveMux.Hub.Sources.Publish;

/// <summary>
/// A publish stream's source for one run: wait for a publisher to record (the stream tells its viewers it is
/// waiting), then watch its session until it leaves or sends nothing for the media timeout. The run then ends
/// as planned, and the stream waits for the next publisher at once (no backoff).
/// </summary>
internal sealed class PublishSource(PublishPoint point, TimeSpan mediaTimeout) : IStreamSource
{
    private PublishSession? _session;

    public string Description => $"RTSP publisher at /{point.Stream}";

    public async Task WaitForUpstreamAsync(ISampleSink sink, CancellationToken ct)
    {
        _session = await point.WaitForRecordAsync(sink, ct).ConfigureAwait(false);
    }

    public async Task RunAsync(ISampleSink sink, CancellationToken ct)
    {
        var session = _session ?? throw new InvalidOperationException("RunAsync before a publisher was taken");
        try
        {
            await WatchAsync(session, ct).ConfigureAwait(false);
        }
        finally
        {
            if (ct.IsCancellationRequested)
            {
                session.Disconnect("the stream stopped");
            }

            session.Detach("the stream's run ended");
        }
    }

    /// <summary>Returns when the session is over; disconnects a publisher that sends no RTP for the media timeout.</summary>
    private async Task WatchAsync(PublishSession session, CancellationToken ct)
    {
        var time = point.Time;
        while (!session.Over.IsCompleted && !ct.IsCancellationRequested)
        {
            var idle = time.GetElapsedTime(session.LastMedia);
            if (idle >= mediaTimeout)
            {
                session.Disconnect($"no media from the publisher for {mediaTimeout.TotalSeconds:0.#} s");
                return;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var delay = Task.Delay(mediaTimeout - idle, time, wake.Token);
            await Task.WhenAny(session.Over, delay).ConfigureAwait(false);
            await wake.CancelAsync().ConfigureAwait(false);
        }
    }
}
