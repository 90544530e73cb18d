using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using LiveMux.Media.Codecs.Aac;
using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Codecs.H265;

namespace LiveMux.Media.Mp4.Reading;

/// <summary>
/// RFC 6381 codec strings from a sample entry box (ISO/IEC 14496-12 12.1.3 / 12.2.3):
/// <code>
/// VisualSampleEntry: header(8) reserved(6) dri(2) pre_defined/reserved(16) width(2) height(2) ... = 78 bytes, then avcC | hvcC ...
/// AudioSampleEntry:  header(8) reserved(6) dri(2) version(2) reserved(6) channels(2) bits(2) ... rate(4) = 28 bytes, then esds | dOps | dfLa
/// </code>
/// avc1/avc3 from the SPS in avcC (14496-15 5.3.3), hvc1/hev1 from hvcC's profile, tier, level and flags
/// (14496-15 E.3), mp4a from esds' object type and AudioSpecificConfig (14496-1 7.2.6, 14496-3 1.6.2.1).
/// </summary>
internal static class SampleEntryCodecs
{
    private const int VisualFields = 8 + 78;
    private const int AudioFields = 8 + 28;

    /// <summary>The boxes after a VisualSampleEntry's fixed fields (avcC, hvcC...); empty when it is too short.</summary>
    internal static ReadOnlySpan<byte> VisualChildren(ReadOnlySpan<byte> entry) =>
        entry.Length >= VisualFields ? entry[VisualFields..] : default;

    /// <summary>The boxes after an AudioSampleEntry's fixed fields (esds, dOps...); empty when it is too short.</summary>
    internal static ReadOnlySpan<byte> AudioChildren(ReadOnlySpan<byte> entry)
    {
        if (entry.Length < AudioFields)
        {
            return default;
        }

        // QuickTime sound description versions 1 and 2 append 16 and 36 bytes of fields.
        var version = BinaryPrimitives.ReadUInt16BigEndian(entry[16..]);
        var fields = AudioFields + version switch { 1 => 16, 2 => 36, _ => 0 };
        return entry.Length >= fields ? entry[fields..] : default;
    }

    public static TrackConfig? Video(ReadOnlySpan<byte> entry, int timescale, out string reason)
    {
        var type = BinaryPrimitives.ReadUInt32BigEndian(entry[4..]);
        var name = InitParser.FourCcText(type);
        if (entry.Length < VisualFields)
        {
            reason = $"video sample entry {name} is too short";
            return null;
        }

        var width = BinaryPrimitives.ReadUInt16BigEndian(entry[32..]);
        var height = BinaryPrimitives.ReadUInt16BigEndian(entry[34..]);
        var children = VisualChildren(entry);
        string? codec;
        double? frameRate = null;
        switch (type)
        {
            case FourCc.Avc1 or FourCc.Avc3:
                codec = AvcCodec(children, name, out var sps, out reason);
                if (sps is not null)
                {
                    (width, height, frameRate) = ((ushort)sps.Width, (ushort)sps.Height, sps.FrameRate);
                }

                break;
            case FourCc.Hvc1 or FourCc.Hev1:
                codec = BoxCursor.TryFind(children, FourCc.HvcC, out var hvcC) ? HevcCodec(hvcC, name) : null;
                reason = codec is null ? $"{name} without a valid hvcC" : "";
                break;
            default:
                codec = null;
                reason = $"video codec '{name}' is not supported (LiveMux muxes H.264 and H.265); set Ffmpeg:Video=h264 to transcode";
                break;
        }

        return codec is null ? null : new TrackConfig
        {
            Kind = TrackKind.Video,
            Codec = codec,
            Timescale = timescale,
            SampleEntry = entry.ToArray(),
            Width = width,
            Height = height,
            FrameRate = frameRate,
        };
    }

    public static TrackConfig? Audio(ReadOnlySpan<byte> entry, int timescale, out string reason)
    {
        var type = BinaryPrimitives.ReadUInt32BigEndian(entry[4..]);
        var name = InitParser.FourCcText(type);
        if (entry.Length < AudioFields)
        {
            reason = $"audio sample entry {name} is too short";
            return null;
        }

        var children = AudioChildren(entry);
        string? codec;
        switch (type)
        {
            case FourCc.Mp4a:
                codec = BoxCursor.TryFind(children, FourCc.Esds, out var esds) ? Mp4aCodec(esds) : null;
                reason = codec is null ? "mp4a without a valid esds" : "";
                break;
            case FourCc.Opus:
                codec = "opus";
                reason = "";
                break;
            case FourCc.FLaC:
                codec = "flac";
                reason = "";
                break;
            default:
                codec = null;
                reason = $"audio codec '{name}' is not supported; set Ffmpeg:Audio=aac or opus to transcode";
                break;
        }

        return codec is null ? null : new TrackConfig
        {
            Kind = TrackKind.Audio,
            Codec = codec,
            Timescale = timescale,
            SampleEntry = entry.ToArray(),
        };
    }

    private static string? AvcCodec(ReadOnlySpan<byte> children, string name, out Sps? sps, out string reason)
    {
        sps = null;
        // version, profile, compat, level, 6 bits + lengthSizeMinusOne, 3 bits + numOfSps, u16 length, SPS
        if (!BoxCursor.TryFind(children, FourCc.AvcC, out var avcC) || avcC.Length < 8)
        {
            reason = $"{name} without a valid avcC";
            return null;
        }

        if ((avcC[4] & 3) != 3)
        {
            // Access units carry 4-byte NAL lengths everywhere in LiveMux.
            reason = $"{name} uses {(avcC[4] & 3) + 1}-byte NAL lengths; only 4 is supported";
            return null;
        }

        var spsLength = BinaryPrimitives.ReadUInt16BigEndian(avcC[6..]);
        if ((avcC[5] & 0x1F) == 0 || avcC.Length < 8 + spsLength || !Sps.TryParse(avcC.Slice(8, spsLength), out sps, out var error))
        {
            reason = $"{name}: no parsable SPS in avcC";
            return null;
        }

        _ = error;
        reason = "";
        return $"{name}.{avcC[1]:X2}{avcC[2]:X2}{avcC[3]:X2}";
    }

    /// <summary>hvcC: version, then the general profile_tier_level (14496-15 8.3.3.1.2).</summary>
    internal static string? HevcCodec(ReadOnlySpan<byte> hvcC, string name) =>
        H265ProfileTierLevel.FromHvcC(hvcC)?.CodecString(name);

    /// <summary>esds: full box header, then ES_Descriptor(3) { DecoderConfigDescriptor(4) { oti, ..., DecoderSpecificInfo(5) } }.</summary>
    internal static string? Mp4aCodec(ReadOnlySpan<byte> esds)
    {
        if (!Mp4aSampleEntry.TryReadEsds(esds, out var oti, out var asc))
        {
            return null;
        }

        if (oti != 0x40)
        {
            return $"mp4a.{oti:X2}";
        }

        if (asc.Length < 1)
        {
            return null;
        }

        // AudioSpecificConfig: audioObjectType(5), 31 escapes to 32 + 6 more bits.
        var aot = asc[0] >> 3;
        if (aot == 31)
        {
            if (asc.Length < 2)
            {
                return null;
            }

            aot = 32 + (((asc[0] & 7) << 3) | (asc[1] >> 5));
        }

        return $"mp4a.40.{aot}";
    }
}
