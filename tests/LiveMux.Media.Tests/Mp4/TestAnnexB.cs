namespace LiveMux.Media.Tests.Mp4;

/// <summary>
/// Test-side Annex B reader (H.264 Annex B and 7.4.1.2.3), independent of the code under test: splits a byte
/// stream at 00 00 01 / 00 00 00 01 start codes and groups NAL units into access units.
/// </summary>
internal static class TestAnnexB
{
    public static List<byte[]> SplitNalUnits(byte[] stream)
    {
        var starts = new List<(int Payload, int Code)>();
        for (var i = 0; i + 2 < stream.Length; i++)
        {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1)
            {
                starts.Add((i + 3, i > 0 && stream[i - 1] == 0 ? i - 1 : i));
                i += 2;
            }
        }

        var nals = new List<byte[]>();
        for (var k = 0; k < starts.Count; k++)
        {
            var end = k + 1 < starts.Count ? starts[k + 1].Code : stream.Length;
            while (end > starts[k].Payload && stream[end - 1] == 0)
            {
                end--; // trailing_zero_8bits
            }

            nals.Add(stream[starts[k].Payload..end]);
        }

        return nals;
    }

    /// <summary>
    /// A new access unit begins at an AUD, SPS, PPS or SEI, or at a slice with first_mb_in_slice 0, once the
    /// current one already has a slice.
    /// </summary>
    public static List<List<byte[]>> GroupAccessUnits(IEnumerable<byte[]> nals)
    {
        var units = new List<List<byte[]>>();
        List<byte[]>? current = null;
        var hasSlice = false;
        foreach (var nal in nals)
        {
            var type = nal[0] & 0x1F;
            var isSlice = type is 1 or 5;
            var startsNew = current is null
                || (hasSlice && (type is 6 or 7 or 8 or 9 || (isSlice && (nal[1] & 0x80) != 0)));
            if (startsNew)
            {
                current = [];
                units.Add(current);
                hasSlice = false;
            }

            current!.Add(nal);
            hasSlice |= isSlice;
        }

        return units;
    }
}
