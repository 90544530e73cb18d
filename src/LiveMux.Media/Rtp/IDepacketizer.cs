using LiveMux.Media.Mp4;

namespace LiveMux.Media.Rtp;

/// <summary>
/// One state machine per RTP payload format. It turns packets of one track, in sequence order, into whole
/// access units and reports every discard with a reason.
/// </summary>
public interface IDepacketizer : IDisposable
{
    /// <summary>Takes one packet. On <see cref="DepacketizeStatus.AccessUnit"/> the caller owns <paramref name="unit"/>.</summary>
    DepacketizeStatus Push(in RtpPacket packet, out AccessUnit unit);

    /// <summary>
    /// Further access units completed by the last packet (an RFC 3640 packet can carry several AUs). Call
    /// after <see cref="Push"/> until it returns false; the caller owns each unit.
    /// </summary>
    bool TryTakeNext(out AccessUnit unit)
    {
        unit = default;
        return false;
    }

    DropReason LastDropReason { get; }

    /// <summary>The decoder configuration, or null until the stream has told enough to build one.</summary>
    TrackConfig? Config { get; }
}
