namespace LiveMux.Media.Codecs.H265;

/// <summary>
/// The two-byte H.265 NAL unit header (7.3.1.2), also the payload header of RFC 7798 section 1.1.4.
/// <code>
/// +---------------+---------------+
/// |0|1|2|3|4|5|6|7|0|1|2|3|4|5|6|7|
/// |F|   Type    |  LayerId  | TID |
/// +---------------+---------------+
/// </code>
/// TID is nuh_temporal_id_plus1 and is never 0 in a valid header.
/// </summary>
public static class H265NalUnit
{
    public const int HeaderSize = 2;

    public static H265NalUnitType TypeOf(byte firstHeaderByte) => (H265NalUnitType)((firstHeaderByte >> 1) & 0x3F);

    public static int LayerIdOf(ReadOnlySpan<byte> header) => ((header[0] & 0x01) << 5) | (header[1] >> 3);

    public static int TemporalIdPlus1Of(ReadOnlySpan<byte> header) => header[1] & 0x07;

    /// <summary>Writes a header with the F bit clear.</summary>
    public static void WriteHeader(Span<byte> destination, H265NalUnitType type, int layerId, int temporalIdPlus1)
    {
        destination[0] = (byte)(((byte)type << 1) | ((layerId >> 5) & 0x01));
        destination[1] = (byte)(((layerId & 0x1F) << 3) | (temporalIdPlus1 & 0x07));
    }

    /// <summary>VCL NAL units carry slice data: types 0-31 (7.4.2.2).</summary>
    public static bool IsVcl(H265NalUnitType type) => (byte)type < 32;

    /// <summary>
    /// Intra random access points (BLA, IDR, CRA and the reserved 22-23): a decoder can start at one, so
    /// they are the keyframes of an MP4 track and where decoding resumes after a loss.
    /// </summary>
    public static bool IsIrap(H265NalUnitType type) => type is >= H265NalUnitType.BlaWLp and <= H265NalUnitType.RsvIrapVcl23;

    /// <summary>Parameter sets, which go to the hvcC instead of the samples.</summary>
    public static bool IsParameterSet(H265NalUnitType type) => type is H265NalUnitType.Vps or H265NalUnitType.Sps or H265NalUnitType.Pps;
}
