namespace LiveMux.Media.Codecs.H264;

/// <summary>
/// ISO/IEC 14496-15 5.3.3.1 AVCDecoderConfigurationRecord, the payload of the avcC box.
/// <code>
///  version=1 | profile | compat | level | 111111 lenSizeMinus1(2) | 111 numSPS(5)
///  { u16 len, SPS } ... | numPPS(8) | { u16 len, PPS } ...
///  [high profiles: 111111 chroma(2) | 11111 depthY-8(3) | 11111 depthC-8(3) | numSpsExt(8)]
/// </code>
/// Samples use 4-byte NAL length prefixes.
/// </summary>
public static class AvcConfigurationRecord
{
    public static byte[] Build(ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps, Sps parsed)
    {
        var highProfile = parsed.ProfileIdc is 100 or 110 or 122 or 144;
        var record = new byte[6 + 2 + sps.Length + 1 + 2 + pps.Length + (highProfile ? 4 : 0)];
        var i = 0;
        record[i++] = 1;
        record[i++] = sps[1];
        record[i++] = sps[2];
        record[i++] = sps[3];
        record[i++] = 0xFF;
        record[i++] = 0xE1;
        record[i++] = (byte)(sps.Length >> 8);
        record[i++] = (byte)sps.Length;
        sps.CopyTo(record.AsSpan(i));
        i += sps.Length;
        record[i++] = 1;
        record[i++] = (byte)(pps.Length >> 8);
        record[i++] = (byte)pps.Length;
        pps.CopyTo(record.AsSpan(i));
        i += pps.Length;
        if (highProfile)
        {
            record[i++] = (byte)(0xFC | parsed.ChromaFormatIdc);
            record[i++] = (byte)(0xF8 | (parsed.BitDepthLuma - 8));
            record[i++] = (byte)(0xF8 | (parsed.BitDepthChroma - 8));
            record[i] = 0;
        }

        return record;
    }

    /// <summary>The first SPS and the first PPS of a record; false when it holds none or is cut short.</summary>
    public static bool TryReadFirst(ReadOnlySpan<byte> record, out ReadOnlySpan<byte> sps, out ReadOnlySpan<byte> pps)
    {
        sps = pps = default;
        if (record.Length < 7 || record[0] != 1 || (record[5] & 0x1F) == 0)
        {
            return false;
        }

        var at = 6;
        var spsCount = record[5] & 0x1F;
        for (var n = 0; n < spsCount; n++)
        {
            if (!TrySkip(record, ref at, out var start))
            {
                return false;
            }

            if (n == 0)
            {
                sps = record[start..at];
            }
        }

        if (at >= record.Length || record[at] == 0)
        {
            return false;
        }

        at++;
        if (!TrySkip(record, ref at, out var ppsStart))
        {
            return false;
        }

        pps = record[ppsStart..at];
        return true;
    }

    /// <summary>Steps over one length-prefixed parameter set at <paramref name="at"/>; <paramref name="start"/> is where its bytes begin.</summary>
    private static bool TrySkip(ReadOnlySpan<byte> record, ref int at, out int start)
    {
        start = at + 2;
        if (start > record.Length)
        {
            return false;
        }

        var length = (record[at] << 8) | record[at + 1];
        if (length == 0 || start + length > record.Length)
        {
            return false;
        }

        at = start + length;
        return true;
    }
}
