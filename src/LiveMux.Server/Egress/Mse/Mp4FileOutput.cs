using LiveMux.Hub;
using LiveMux.Media.Mp4;

namespace LiveMux.Server.Egress.Mse;

/// <summary>
/// One MSE viewer written as a fragmented MP4 file to a byte stream (an HTTP body, a transcoder's stdin): one
/// moov without an edit list, then fragments. A file holds one moov, so a format change ends it.
/// </summary>
internal sealed class Mp4FileOutput(Stream body) : IMseViewerOutput
{
    private bool _sentInit;

    public ValueTask StatusAsync(StreamEvent e, bool beforeFirstInit, CancellationToken ct) => ValueTask.CompletedTask;

    public async ValueTask<bool> InitAsync(StreamFormat format, double originSeconds, CancellationToken ct)
    {
        if (_sentInit)
        {
            return false;
        }

        _sentInit = true;
        await body.WriteAsync(InitSegment.Build(format.Tracks), ct);
        return true;
    }

    public async ValueTask FragmentAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        await body.WriteAsync(header, ct);
        await body.WriteAsync(payload, ct);
        await body.FlushAsync(ct);
    }

    public ValueTask EndAsync(string reason, CancellationToken ct) => ValueTask.CompletedTask;
}
