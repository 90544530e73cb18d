namespace LiveMux.Media.Codecs.H265;

/// <summary>
/// H.265 Table 7-1 NAL unit types a transmuxer tells apart, plus the RTP aggregation and fragmentation
/// types of RFC 7798 section 4.4.2 and 4.4.3. Types not listed are still carried through as their number.
/// </summary>
public enum H265NalUnitType : byte
{
    TrailN = 0,
    TrailR = 1,
    RaslN = 8,
    RaslR = 9,
    BlaWLp = 16,
    BlaWRadl = 17,
    BlaNLp = 18,
    IdrWRadl = 19,
    IdrNLp = 20,
    CraNut = 21,
    RsvIrapVcl22 = 22,
    RsvIrapVcl23 = 23,
    Vps = 32,
    Sps = 33,
    Pps = 34,
    AccessUnitDelimiter = 35,
    EndOfSequence = 36,
    EndOfBitstream = 37,
    FillerData = 38,
    PrefixSei = 39,
    SuffixSei = 40,
    AggregationPacket = 48,
    FragmentationUnit = 49,
    Paci = 50,
}
