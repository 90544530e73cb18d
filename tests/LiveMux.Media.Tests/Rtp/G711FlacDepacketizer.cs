using System.Buffers;
using LiveMux.Media.Codecs.Flac;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Rtp.G711;

namespace LiveMux.Media.Tests.Rtp;

/// <summary>
/// A <see cref="G711Depacketizer"/> whose units come out as FLAC frames (<see cref="G711ToFlac"/>): what the
/// MSE egress makes of a G.711 track, as one depacketizer, so the audio tables can check the browser's bytes.
/// </summary>
internal sealed class G711FlacDepacketizer : IDepacketizer
{
    private readonly G711Depacketizer _inner;
    private readonly G711ToFlac _flac;
    private DropReason _ownDrop;

    public G711FlacDepacketizer(G711Depacketizer inner)
    {
        _inner = inner;
        _flac = new G711ToFlac(inner.ALaw, inner.SampleRate, inner.Channels, inner.Options.MaxG711BlockSize);
    }

    public DropReason LastDropReason => _ownDrop != DropReason.None ? _ownDrop : _inner.LastDropReason;

    public TrackConfig? Config => _flac.Config;

    public long DroppedUnits => _inner.DroppedUnits + OwnDrops;

    private long OwnDrops { get; set; }

    public DepacketizeStatus Push(in RtpPacket packet, out AccessUnit unit)
    {
        _ownDrop = DropReason.None;
        var status = _inner.Push(packet, out var g711);
        if (status != DepacketizeStatus.AccessUnit)
        {
            unit = default;
            return status;
        }

        using (g711)
        {
            if (g711.Duration > FlacFrameEncoder.MaxBlockSize)
            {
                return OwnDrop(DropReason.AccessUnitTooLarge, out unit);
            }

            var buffer = ArrayPool<byte>.Shared.Rent(_flac.MaxFrameBytes(g711.Length));
            var length = _flac.Encode(g711.Data, g711.Timestamp, buffer);
            if (length == 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return OwnDrop(DropReason.Malformed, out unit);
            }

            unit = new AccessUnit(buffer, length, g711.Timestamp, g711.Duration, g711.ConfigChanged);
            return DepacketizeStatus.AccessUnit;
        }
    }

    private DepacketizeStatus OwnDrop(DropReason reason, out AccessUnit unit)
    {
        unit = default;
        _ownDrop = reason;
        OwnDrops++;
        return DepacketizeStatus.Dropped;
    }

    public void Dispose() => _inner.Dispose();
}
