using System.Buffers;
using LiveMux.Media.Mp4;

namespace LiveMux.Media.Rtp;

/// <summary>
/// What the depacketizers of formats with exactly one unit per packet share (Opus, G.711): the sequence check,
/// a loss reported alongside the next unit (each unit decodes on its own, so nothing more is dropped), and the
/// payload copied into a pooled buffer. The format only measures a payload: its duration, or why it is refused.
/// </summary>
public abstract class UnitPerPacketDepacketizer : IDepacketizer
{
    private SequenceCheck _sequence;
    private TimestampUnwrapper _unwrapper;
    private bool _configChangePending = true;

    public DropReason LastDropReason { get; private set; }

    public abstract TrackConfig? Config { get; }

    public long DroppedUnits { get; private set; }

    /// <summary>The payload's duration in the track's clock, or a drop reason (and any duration) when it is unusable.</summary>
    protected abstract DropReason Measure(ReadOnlySpan<byte> payload, out int duration);

    public DepacketizeStatus Push(in RtpPacket packet, out AccessUnit unit)
    {
        unit = default;
        LastDropReason = DropReason.None;
        var step = _sequence.Next(packet.SequenceNumber);
        if (step == SequenceStep.Late)
        {
            return Drop(DropReason.LatePacket);
        }

        var payload = packet.Payload;
        if (Measure(payload, out var duration) is var reason and not DropReason.None)
        {
            return Drop(reason);
        }

        if (step == SequenceStep.Gap)
        {
            LastDropReason = DropReason.SequenceGap;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(payload.Length);
        payload.CopyTo(buffer);
        unit = new AccessUnit(buffer, payload.Length, _unwrapper.Unwrap(packet.Timestamp), duration, _configChangePending);
        _configChangePending = false;
        return DepacketizeStatus.AccessUnit;
    }

    private DepacketizeStatus Drop(DropReason reason)
    {
        DroppedUnits++;
        LastDropReason = reason;
        return DepacketizeStatus.Dropped;
    }

    // Nothing pooled is held between packets.
    public void Dispose() => GC.SuppressFinalize(this);
}
