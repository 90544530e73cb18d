using System.Runtime.CompilerServices;
using LiveMux.Hub;
using LiveMux.Hub.Sources.Ffmpeg;
using Microsoft.Extensions.Options;

namespace LiveMux.Server.Egress.Snapshot;

/// <summary>
/// JPEG snapshots of the current picture: the cached GOP up to the newest sample (<see cref="CurrentGop"/>)
/// decoded by ffmpeg (<see cref="JpegDecoder"/>). Requests for one stream and size share one decode while it runs
/// and its picture for <see cref="SnapshotOptions.CacheTime"/>; decodes across streams are bounded by
/// <see cref="SnapshotOptions.MaxDecodes"/>.
/// </summary>
internal sealed class SnapshotEgress(IOptions<LiveMuxOptions> options, TimeProvider time, ILogger<SnapshotEgress> logger) : IDisposable
{
    /// <summary>Sizes of one stream decoded at once; a client asking for ever new sizes waits for them.</summary>
    private const int MaxSizesPerStream = 8;

    private readonly ConditionalWeakTable<LiveStream, SnapshotState> _streams = [];
    private readonly SnapshotOptions _options = options.Value.Snapshots;
    private readonly SemaphoreSlim _decodes = new(options.Value.Snapshots.MaxDecodes);
    private long _decodeCount;

    /// <summary>ffmpeg runs started since the server started.</summary>
    public long Decodes => Interlocked.Read(ref _decodeCount);

    /// <summary>The picture of <paramref name="stream"/> now, or why there is none.</summary>
    public Task<SnapshotResult> TakeAsync(LiveStream stream, int? width, int? height, CancellationToken ct)
    {
        var state = _streams.GetValue(stream, _ => new SnapshotState());
        var size = (width, height);
        TaskCompletionSource<SnapshotResult> decode;
        lock (state)
        {
            if (state.Cached.TryGetValue(size, out var cached) && time.GetElapsedTime(cached.At) < _options.CacheTime)
            {
                return Task.FromResult(cached.Result);
            }

            if (state.InFlight.TryGetValue(size, out var running))
            {
                return running.WaitAsync(ct);
            }

            if (state.InFlight.Count >= MaxSizesPerStream)
            {
                return Task.FromResult(SnapshotResult.Unavailable($"more than {MaxSizesPerStream} snapshot sizes of this stream at once"));
            }

            decode = new TaskCompletionSource<SnapshotResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            state.InFlight[size] = decode.Task;
        }

        // Run here, not queued to the thread pool: it subscribes before its first wait, so the GOP it reads
        // ends at the newest sample when the request came, however busy the pool is. Not on the request's
        // token: the requests sharing it must not lose it when this one leaves.
        _ = DecodeAsync(stream, state, size, decode);
        return decode.Task.WaitAsync(ct);
    }

    private async Task DecodeAsync(LiveStream stream, SnapshotState state, (int? Width, int? Height) size, TaskCompletionSource<SnapshotResult> decode)
    {
        var at = time.GetTimestamp();
        SnapshotResult result;
        try
        {
            result = await DecodeNowAsync(stream, size.Width, size.Height, () => at = time.GetTimestamp()).ConfigureAwait(false);
            if (result.Jpeg is null && result.Reason != FfmpegLocator.NotFound)
            {
                SnapshotLog.Failed(logger, stream.Name, result.Reason);
            }
        }
        catch (Exception e)
        {
            SnapshotLog.Failed(logger, stream.Name, e.Message);
            result = SnapshotResult.Unavailable("snapshot failed: " + e.GetType().Name);
        }

        lock (state)
        {
            state.InFlight.Remove(size);
            state.Cached.Remove(size);
            if (result.Jpeg is not null && _options.CacheTime > TimeSpan.Zero)
            {
                // Stamped when its GOP was read: a cached picture is as old as that, not as the decode's end.
                state.Cached[size] = (result, at);
            }

            foreach (var old in state.Cached.Where(c => time.GetElapsedTime(c.Value.At) >= _options.CacheTime).Select(c => c.Key).ToList())
            {
                state.Cached.Remove(old);
            }
        }

        decode.SetResult(result);
    }

    private async Task<SnapshotResult> DecodeNowAsync(LiveStream stream, int? width, int? height, Action gopRead)
    {
        if (!FfmpegLocator.TryFind(options.Value.Ffmpeg.Path, out var ffmpeg, out var notFound))
        {
            // The configured path is the admin's business (the log); a viewer hears what is missing.
            SnapshotLog.Failed(logger, stream.Name, notFound);
            return SnapshotResult.Unavailable(FfmpegLocator.NotFound);
        }

        var (video, failure) = await CurrentGop.ReadAsync(stream, _options.Timeout).ConfigureAwait(false);
        if (video is null)
        {
            return failure!;
        }

        gopRead();
        if (!_decodes.Wait(0))
        {
            if (!await _decodes.WaitAsync(_options.Timeout).ConfigureAwait(false))
            {
                return SnapshotResult.Unavailable($"the server is busy with other snapshots ({_options.MaxDecodes} at once)");
            }

            // The GOP read before the wait is older now: read the current one, from the cache, at once.
            (video, failure) = await CurrentGop.ReadAsync(stream, _options.Timeout).ConfigureAwait(false);
            if (video is null)
            {
                _decodes.Release();
                return failure!;
            }

            gopRead();
        }

        try
        {
            Interlocked.Increment(ref _decodeCount);
            var started = time.GetTimestamp();
            using var limit = new CancellationTokenSource(_options.DecodeTimeout);
            try
            {
                var (jpeg, error) = await JpegDecoder.RunAsync(ffmpeg, video, width, height, limit.Token).ConfigureAwait(false);
                var milliseconds = time.GetElapsedTime(started).TotalMilliseconds;
                SnapshotLog.Decoded(logger, stream.Name, video.Frames, video.Length, milliseconds);
                return jpeg is not null ? SnapshotResult.Picture(jpeg) : SnapshotResult.Unavailable("ffmpeg could not decode the picture: " + error);
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested)
            {
                SnapshotLog.DecodeTimedOut(logger, stream.Name, _options.DecodeTimeout.TotalSeconds);
                return SnapshotResult.Unavailable($"decoding the picture took over {_options.DecodeTimeout.TotalSeconds:0.#} s");
            }
        }
        finally
        {
            _decodes.Release();
        }
    }

    public void Dispose() => _decodes.Dispose();

    /// <summary>One stream's decodes in flight and recent pictures, by size; locked on itself.</summary>
    private sealed class SnapshotState
    {
        public Dictionary<(int? Width, int? Height), Task<SnapshotResult>> InFlight { get; } = [];

        public Dictionary<(int? Width, int? Height), (SnapshotResult Result, long At)> Cached { get; } = [];
    }
}
