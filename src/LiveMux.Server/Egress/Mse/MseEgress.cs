using System.Runtime.CompilerServices;
using LiveMux.Hub;
using LiveMux.Hub.Distribution;
using LiveMux.Hub.Sources.Ffmpeg;
using Microsoft.Extensions.Options;

namespace LiveMux.Server.Egress.Mse;

/// <summary>
/// Browsers through Media Source Extensions: one <see cref="MseStream"/> per stream that has MSE viewers, found
/// by the stream itself, so a stream that is removed takes its egress with it.
/// </summary>
internal sealed class MseEgress(IOptions<LiveMuxOptions> options, TimeProvider time, ILogger<MseEgress> logger)
{
    private readonly ConditionalWeakTable<LiveStream, MseStream> _streams = [];

    /// <summary>Adds an MSE viewer of <paramref name="stream"/> (see <see cref="MseStream.Subscribe"/>).</summary>
    public Subscription<Fragment> Subscribe(LiveStream stream) => For(stream).Subscribe();

    /// <summary>A transcode companion's input: <paramref name="stream"/> as one fMP4 file, as an MSE viewer (<see cref="TranscodeFeed"/>).</summary>
    public async Task FeedAsync(LiveStream stream, Stream stdin, CancellationToken ct)
    {
        using var subscription = Subscribe(stream);
        await MseViewerLoop.RunAsync(new Mp4FileOutput(stdin), stream, subscription, offer: null, logger, ct).ConfigureAwait(false);
    }

    /// <summary>The tracks MSE viewers of <paramref name="stream"/> get now, while it has any.</summary>
    public StreamFormat? FormatOf(LiveStream stream) => _streams.TryGetValue(stream, out var mse) ? mse.Format : null;

    private MseStream For(LiveStream stream) =>
        _streams.GetValue(stream, s => new MseStream(s, options.Value.Viewers, time, logger));
}
