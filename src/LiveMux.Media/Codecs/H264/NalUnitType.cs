namespace LiveMux.Media.Codecs.H264;

/// <summary>H.264 Table 7-1, plus the RTP aggregation and fragmentation types of RFC 6184 section 5.2.</summary>
public enum NalUnitType : byte
{
    Unspecified = 0,
    NonIdrSlice = 1,
    SliceDataA = 2,
    SliceDataB = 3,
    SliceDataC = 4,
    IdrSlice = 5,
    Sei = 6,
    Sps = 7,
    Pps = 8,
    AccessUnitDelimiter = 9,
    EndOfSequence = 10,
    EndOfStream = 11,
    FillerData = 12,
    SpsExtension = 13,
    Prefix = 14,
    SubsetSps = 15,
    StapA = 24,
    StapB = 25,
    Mtap16 = 26,
    Mtap24 = 27,
    FuA = 28,
    FuB = 29,
}

public static class NalUnit
{
    public static NalUnitType TypeOf(byte header) => (NalUnitType)(header & 0x1F);

    public static bool IsVcl(NalUnitType type) => type is >= NalUnitType.NonIdrSlice and <= NalUnitType.IdrSlice;
}
