namespace LiveMux.Media.Rtp;

public enum DepacketizeStatus
{
    /// <summary>The packet was taken; no access unit is complete yet.</summary>
    NeedMore,

    /// <summary>An access unit is complete and handed to the caller.</summary>
    AccessUnit,

    /// <summary>Data was discarded; <see cref="IDepacketizer.LastDropReason"/> says why.</summary>
    Dropped,
}

public enum DropReason
{
    None,
    SequenceGap,
    WaitingForKeyframe,
    LatePacket,
    Malformed,
    FragmentWithoutStart,
    AccessUnitTooLarge,
    TooManyNalUnits,
    NoParameterSets,
    UnsupportedPacketType,
    MarkerQuirk,
}
