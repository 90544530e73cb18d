using System.ComponentModel;
using System.Diagnostics;
using System.IO.Pipelines;
using LiveMux.Media.Mp4;
using LiveMux.Media.Mp4.Reading;
using LiveMux.Media.Rtp;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Ffmpeg;

/// <summary>
/// One ffmpeg process per session of a stream, never per viewer:
/// <code>
/// [stdin feeder] --> ffmpeg (argument list, no shell) --stdout fMP4--> Fmp4Reader --AccessUnit--> the stream
///                          '--stderr--> StderrDrain --> log (bounded, redacted)
/// </code>
/// The stream around it starts it on demand, stops it when idle and restarts it with backoff; any end
/// of ffmpeg is a <see cref="StreamSourceException"/> that says why. Stopping kills the process tree and
/// waits for its exit, so no zombie is left. ffmpeg gets PATH, HOME and LANG of LiveMux's environment and
/// nothing else: no secret set for LiveMux (<c>LiveMux__Auth__*</c>) reaches it or what it runs.
/// </summary>
internal sealed class FfmpegSource(
    FfmpegOptions options,
    IReadOnlyList<string> inputOptions,
    TimeSpan firstOutputTimeout,
    TimeSpan mediaTimeout,
    ILogger logger,
    TimeProvider time,
    Func<Stream, CancellationToken, Task>? feedStdin = null,
    string? description = null,
    string ffmpegPath = "") : IStreamSource
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);

    // By value: the input is free text, and a password in it may hold what ends a URL pattern (a space, a quote).
    private readonly SecretRedactor _redactor = SecretRedactor.ForText(options.Input);

    /// <summary>The only variables ffmpeg inherits.</summary>
    internal static readonly string[] InheritedEnvironment = ["PATH", "HOME", "LANG"];

    private string RedactedInput => _redactor.Redact(options.Input);

    public string Description => description ??
        "ffmpeg " + RedactedInput + (options.Video == FfmpegVideo.H264 ? " (transcoded to H.264)" : "");

    public async Task RunAsync(ISampleSink sink, CancellationToken ct)
    {
        if (!FfmpegLocator.TryFind(ffmpegPath, out var path, out var notFound))
        {
            // Installing ffmpeg takes a person: checking every 10 s is soon enough and keeps the log readable.
            throw new StreamSourceException(notFound) { MinRetryDelay = TimeSpan.FromSeconds(10), ViewerReason = "ffmpeg not found on the server" };
        }

        string? input = null;
        if (options.Restriction is { MediaDirectory: { } mediaDirectory })
        {
            // Checked again at every start: a link put into the directory since the API accepted the name
            // must not lead ffmpeg out of it. "file:" so a ':' in the name is never read as a protocol.
            if (!MediaPath.TryResolve(mediaDirectory, options.Input, out var file, out var error))
            {
                throw new StreamSourceException($"ffmpeg input refused: {error}") { MinRetryDelay = TimeSpan.FromSeconds(10), ViewerReason = "the stream's media file is not available" };
            }

            input = "file:" + file;
        }

        var info = new ProcessStartInfo(path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        info.Environment.Clear();
        foreach (var name in InheritedEnvironment)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                info.Environment[name] = value;
            }
        }

        foreach (var arg in FfmpegArguments.Build(options, inputOptions, input))
        {
            info.ArgumentList.Add(arg);
        }

        Process? started;
        try
        {
            started = Process.Start(info);
        }
        catch (Win32Exception e)
        {
            throw new StreamSourceException($"ffmpeg could not be started: {e.Message}", e);
        }

        using var process = started ?? throw new StreamSourceException("ffmpeg could not be started");
        var pid = process.Id;
        FfmpegLog.Started(logger, pid, RedactedInput);
        var stderr = new StderrDrain(logger, time, _redactor);
        var draining = stderr.RunAsync(process.StandardError.BaseStream);
        using var feedCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var feeding = FeedAsync(process, feedCts.Token);
        var endedByItself = false;
        try
        {
            await PumpAsync(process.StandardOutput.BaseStream, sink, ct).ConfigureAwait(false);
            endedByItself = true;
        }
        finally
        {
            await feedCts.CancelAsync().ConfigureAwait(false);
            await StopAsync(process, pid, graceful: endedByItself).ConfigureAwait(false);
            await draining.ConfigureAwait(false);
            await feeding.ConfigureAwait(false);
            FfmpegLog.Stopped(logger, pid, process.HasExited ? process.ExitCode : -1);
        }

        var code = process.ExitCode;
        var last = stderr.LastLine;
        throw new StreamSourceException(code == 0
            ? "ffmpeg ended: the input finished" + (last is null ? "" : $" ({last})")
            : $"ffmpeg exited with code {code}" + (last is null ? "" : $": {last}"))
        {
            ViewerReason = code == 0 ? "the source ended" : "the stream's source failed",
        };
    }

    private async Task PumpAsync(Stream stdout, ISampleSink sink, CancellationToken ct)
    {
        var reader = PipeReader.Create(stdout, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024));
        using var fmp4 = new Fmp4Reader();
        using var stall = new CancellationTokenSource(firstOutputTimeout, time);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(ct, stall.Token);
        var router = new TrackRouter(logger);
        long leftover = 0;
        var samplesSeen = false;
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync(reading.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new StreamSourceException($"ffmpeg produced no media for {(samplesSeen ? mediaTimeout : firstOutputTimeout).TotalSeconds:0.#} s")
                    {
                        ViewerReason = "no media from the source",
                    };
                }

                var buffer = result.Buffer;
                sink.OnPacket((int)Math.Min(int.MaxValue, buffer.Length - leftover));
                while (true)
                {
                    var status = fmp4.TryRead(ref buffer);
                    if (status == Fmp4Status.NeedMore)
                    {
                        break;
                    }

                    if (status == Fmp4Status.Error)
                    {
                        throw new StreamSourceException("ffmpeg's output could not be demuxed: " + fmp4.Error);
                    }

                    if (status == Fmp4Status.Init)
                    {
                        router.OnInit(fmp4.Tracks, sink);
                    }

                    while (fmp4.TryTakeSample(out var sample))
                    {
                        router.Deliver(sample, sink);
                    }

                    if (status == Fmp4Status.Samples)
                    {
                        samplesSeen = true;
                        stall.CancelAfter(mediaTimeout);
                    }
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                leftover = buffer.Length;
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task FeedAsync(Process process, CancellationToken ct)
    {
        var stdin = process.StandardInput.BaseStream;
        try
        {
            if (feedStdin is not null)
            {
                await feedStdin(stdin, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // ffmpeg died or the session is stopping: there is nothing left to feed.
        }
        finally
        {
            try
            {
                // End of input: ffmpeg finishes and exits, which ends the session.
                await stdin.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task StopAsync(Process process, int pid, bool graceful)
    {
        if (graceful)
        {
            // stdout ended: ffmpeg is exiting by itself; give it a moment to report why.
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // It exited between the check and the kill.
        }

        using var exit = new CancellationTokenSource(ExitWait);
        try
        {
            // Waiting reaps the process: no zombie stays behind.
            await process.WaitForExitAsync(exit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            FfmpegLog.ExitTimeout(logger, pid, ExitWait.TotalSeconds);
        }
    }

    /// <summary>Maps ffmpeg's tracks to the stream's: the ones LiveMux can mux, in order.</summary>
    private sealed class TrackRouter(ILogger logger)
    {
        private int[] _map = [];
        private Fmp4Track[] _tracks = [];
        private bool _hasVideo;
        private bool _videoSeen;

        public void OnInit(IReadOnlyList<Fmp4Track> tracks, ISampleSink sink)
        {
            _tracks = [.. tracks];
            _map = new int[tracks.Count];
            var usable = 0;
            foreach (var (track, i) in tracks.Select((t, i) => (t, i)))
            {
                if (track.Config is null)
                {
                    _map[i] = -1;
                    FfmpegLog.TrackIgnored(logger, track.TrackId, track.Unsupported ?? track.SampleEntryType);
                    continue;
                }

                _map[i] = usable++;
            }

            // Audio LiveMux cannot carry is left out (viewers get the video alone); video it cannot carry
            // makes the stream unplayable, which must say so rather than play sound over nothing.
            if (usable == 0 || tracks.Any(t => t.Config is null && t.Kind == TrackKind.Video))
            {
                var reasons = string.Join("; ", tracks.Where(t => t.Config is null).Select(t => t.Unsupported ?? t.SampleEntryType));
                // Codec names only: safe to tell viewers.
                var why = "ffmpeg's output has no track LiveMux can play" + (reasons.Length > 0 ? ": " + reasons : "");
                throw new StreamSourceException(why) { ViewerReason = why };
            }

            _hasVideo = tracks.Any(t => t.Kind == TrackKind.Video);
            _videoSeen = false;
            sink.OnSessionStarted(usable);

            // Typed formats first: the stream's format is made when the last config comes, and takes the formats
            // known by then. The RTSP egress serves the tracks that have one.
            for (var i = 0; i < tracks.Count; i++)
            {
                if (_map[i] < 0)
                {
                    continue;
                }

                if (tracks[i].Format is { } format)
                {
                    sink.OnTrackFormat(_map[i], format);
                }
                else
                {
                    FfmpegLog.NoRtpFormat(logger, tracks[i].TrackId, tracks[i].FormatUnsupported ?? tracks[i].SampleEntryType);
                }
            }

            // The moov names every track's configuration up front: the first init segment holds them all,
            // instead of a video-only init followed by another when the first audio frame arrives.
            for (var i = 0; i < tracks.Count; i++)
            {
                if (_map[i] >= 0)
                {
                    sink.OnTrackConfig(_map[i], tracks[i].Config!);
                }
            }
        }

        public void Deliver(Fmp4Sample sample, ISampleSink sink)
        {
            var unit = sample.Unit;
            var track = _tracks[sample.TrackIndex];
            var index = _map[sample.TrackIndex];
            var isVideo = track.Config?.Kind == TrackKind.Video;

            // Audio before the first video frame would make the stream's first init segment audio-only.
            if (index < 0 || (_hasVideo && !_videoSeen && !isVideo))
            {
                unit.Dispose();
                return;
            }

            _videoSeen |= isVideo;
            sink.OnSample(index, track.Config!, unit.ToSample());
        }
    }
}
