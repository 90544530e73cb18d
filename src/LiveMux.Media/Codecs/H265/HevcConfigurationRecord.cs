namespace LiveMux.Media.Codecs.H265;

/// <summary>
/// ISO/IEC 14496-15 8.3.3.1 HEVCDecoderConfigurationRecord, the payload of the hvcC box.
/// <code>
///  version=1 | space(2) tier(1) profile(5) | compat(32) | constraints(48) | level(8)
///  1111 min_spatial_segmentation(12) | 111111 parallelism(2) | 111111 chroma(2)
///  11111 depthY-8(3) | 11111 depthC-8(3) | avgFrameRate(16)
///  constantFrameRate(2) numTemporalLayers(3) temporalIdNested(1) lengthSizeMinusOne(2) | numArrays(8)
///  { completeness(1) 0 type(6) | numNalus(16) | { len(16), NAL } ... }   VPS, SPS, PPS
/// </code>
/// Samples use 4-byte NAL length prefixes. For hvc1 every parameter set is in the record
/// (array_completeness = 1), never in the samples.
/// </summary>
public static class HevcConfigurationRecord
{
    private const int HeaderBytes = 23;

    public static byte[] Build(ReadOnlySpan<byte> vps, ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps, H265Sps parsed)
    {
        var record = new byte[HeaderBytes + (3 * (3 + 2)) + vps.Length + sps.Length + pps.Length];
        record[0] = 1;
        parsed.ProfileTierLevel.WriteGeneral(record.AsSpan(1));
        record[13] = (byte)(0xF0 | (parsed.MinSpatialSegmentationIdc >> 8));
        record[14] = (byte)parsed.MinSpatialSegmentationIdc;
        record[15] = 0xFC; // parallelismType 0: unknown
        record[16] = (byte)(0xFC | parsed.ChromaFormatIdc);
        record[17] = (byte)(0xF8 | (parsed.BitDepthLuma - 8));
        record[18] = (byte)(0xF8 | (parsed.BitDepthChroma - 8));
        record[19] = 0; // avgFrameRate 0: unspecified
        record[20] = 0;
        record[21] = (byte)((parsed.MaxSubLayers << 3) | (parsed.TemporalIdNesting ? 0x04 : 0) | 0x03);
        record[22] = 3;
        var i = HeaderBytes;
        i = WriteArray(record, i, H265NalUnitType.Vps, vps);
        i = WriteArray(record, i, H265NalUnitType.Sps, sps);
        WriteArray(record, i, H265NalUnitType.Pps, pps);
        return record;
    }

    /// <summary>
    /// The first VPS, SPS and PPS of a record's arrays; false when one is missing, the record is cut short, or its
    /// samples do not use 4-byte NAL lengths (the only length LiveMux's access units carry).
    /// </summary>
    public static bool TryReadFirst(ReadOnlySpan<byte> record, out ReadOnlySpan<byte> vps, out ReadOnlySpan<byte> sps, out ReadOnlySpan<byte> pps)
    {
        vps = sps = pps = default;
        if (record.Length < HeaderBytes || record[0] != 1 || (record[21] & 3) != 3)
        {
            return false;
        }

        var at = HeaderBytes;
        for (var array = 0; array < record[22]; array++)
        {
            if (at + 3 > record.Length)
            {
                return false;
            }

            var type = (H265NalUnitType)(record[at] & 0x3F);
            var count = (record[at + 1] << 8) | record[at + 2];
            at += 3;
            for (var n = 0; n < count; n++)
            {
                if (at + 2 > record.Length)
                {
                    return false;
                }

                var length = (record[at] << 8) | record[at + 1];
                at += 2;
                if (length < H265NalUnit.HeaderSize || length > record.Length - at)
                {
                    return false;
                }

                var nal = record.Slice(at, length);
                at += length;
                switch (type)
                {
                    case H265NalUnitType.Vps when vps.IsEmpty:
                        vps = nal;
                        break;
                    case H265NalUnitType.Sps when sps.IsEmpty:
                        sps = nal;
                        break;
                    case H265NalUnitType.Pps when pps.IsEmpty:
                        pps = nal;
                        break;
                }
            }
        }

        return !vps.IsEmpty && !sps.IsEmpty && !pps.IsEmpty;
    }

    private static int WriteArray(byte[] record, int i, H265NalUnitType type, ReadOnlySpan<byte> nal)
    {
        record[i++] = (byte)(0x80 | (byte)type);
        record[i++] = 0;
        record[i++] = 1;
        record[i++] = (byte)(nal.Length >> 8);
        record[i++] = (byte)nal.Length;
        nal.CopyTo(record.AsSpan(i));
        return i + nal.Length;
    }
}
