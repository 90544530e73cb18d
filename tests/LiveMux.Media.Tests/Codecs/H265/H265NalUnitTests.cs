using LiveMux.Media.Codecs.H265;

namespace LiveMux.Media.Tests.Codecs.H265;

public sealed class H265NalUnitTests
{
    // header bytes, type, layer id, temporal id + 1, IRAP, VCL
    public static TheoryData<string, H265NalUnitType, int, int, bool, bool> Headers => new()
    {
        { "4001", H265NalUnitType.Vps, 0, 1, false, false },
        { "4201", H265NalUnitType.Sps, 0, 1, false, false },
        { "4401", H265NalUnitType.Pps, 0, 1, false, false },
        { "2601", H265NalUnitType.IdrWRadl, 0, 1, true, true },
        { "2801", H265NalUnitType.IdrNLp, 0, 1, true, true },
        { "2a01", H265NalUnitType.CraNut, 0, 1, true, true },
        { "2001", H265NalUnitType.BlaWLp, 0, 1, true, true },
        { "0201", H265NalUnitType.TrailR, 0, 1, false, true },
        { "0003", H265NalUnitType.TrailN, 0, 3, false, true },
        { "1201", H265NalUnitType.RaslR, 0, 1, false, true },
        { "4e01", H265NalUnitType.PrefixSei, 0, 1, false, false },
        { "6001", H265NalUnitType.AggregationPacket, 0, 1, false, false },
        { "6201", H265NalUnitType.FragmentationUnit, 0, 1, false, false },
        { "43f9", H265NalUnitType.Sps, 63, 1, false, false },
        { "2c0a", H265NalUnitType.RsvIrapVcl22, 1, 2, true, true },
        { "2e01", H265NalUnitType.RsvIrapVcl23, 0, 1, true, true },
        { "3001", (H265NalUnitType)24, 0, 1, false, true },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public void Header_fields_read_and_write_the_same_two_bytes(string hex, H265NalUnitType type, int layerId, int tidPlus1, bool irap, bool vcl)
    {
        var header = Convert.FromHexString(hex);
        Assert.Equal(type, H265NalUnit.TypeOf(header[0]));
        Assert.Equal(layerId, H265NalUnit.LayerIdOf(header));
        Assert.Equal(tidPlus1, H265NalUnit.TemporalIdPlus1Of(header));
        Assert.Equal(irap, H265NalUnit.IsIrap(type));
        Assert.Equal(vcl, H265NalUnit.IsVcl(type));

        var written = new byte[2];
        H265NalUnit.WriteHeader(written, type, layerId, tidPlus1);
        Assert.Equal(header, written);
    }
}
