namespace LiveMux.Media.Mp4;

/// <summary>Box and sample entry types used by the muxer and the reader, as big-endian integers.</summary>
internal static class FourCc
{
    public const uint Ftyp = 0x66747970;
    public const uint Moov = 0x6D6F6F76;
    public const uint Mvhd = 0x6D766864;
    public const uint Trak = 0x7472616B;
    public const uint Tkhd = 0x746B6864;
    public const uint Mdia = 0x6D646961;
    public const uint Edts = 0x65647473;
    public const uint Elst = 0x656C7374;
    public const uint Mdhd = 0x6D646864;
    public const uint Hdlr = 0x68646C72;
    public const uint Minf = 0x6D696E66;
    public const uint Vmhd = 0x766D6864;
    public const uint Smhd = 0x736D6864;
    public const uint Dinf = 0x64696E66;
    public const uint Dref = 0x64726566;
    public const uint Url = 0x75726C20;
    public const uint Stbl = 0x7374626C;
    public const uint Stsd = 0x73747364;
    public const uint Stts = 0x73747473;
    public const uint Stsc = 0x73747363;
    public const uint Stsz = 0x7374737A;
    public const uint Stco = 0x7374636F;
    public const uint Mvex = 0x6D766578;
    public const uint Trex = 0x74726578;
    public const uint Moof = 0x6D6F6F66;
    public const uint Mfhd = 0x6D666864;
    public const uint Traf = 0x74726166;
    public const uint Tfhd = 0x74666864;
    public const uint Tfdt = 0x74666474;
    public const uint Trun = 0x7472756E;
    public const uint Mdat = 0x6D646174;
    public const uint Avc1 = 0x61766331;
    public const uint Avc3 = 0x61766333;
    public const uint AvcC = 0x61766343;
    public const uint Hvc1 = 0x68766331;
    public const uint Hev1 = 0x68657631;
    public const uint HvcC = 0x68766343;
    public const uint Mp4a = 0x6D703461;
    public const uint Esds = 0x65736473;
    public const uint Opus = 0x4F707573;
    public const uint DOps = 0x644F7073;
    public const uint FLaC = 0x664C6143;
    public const uint Vide = 0x76696465;
    public const uint Soun = 0x736F756E;
    public const uint Iso5 = 0x69736F35;
    public const uint Iso6 = 0x69736F36;
    public const uint Mp41 = 0x6D703431;
}
