using System.Buffers.Binary;
using System.Globalization;
using System.Text;
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
    private const uint Avc1 = 0x61766331;
    private const uint Avc3 = 0x61766333;
    private const uint Hvc1 = 0x68766331;
    private const uint Hev1 = 0x68657631;
    private const uint AvcC = 0x61766343;
    private const uint HvcC = 0x68766343;
    private const uint Mp4a = 0x6D703461;
    private const uint Esds = 0x65736473;
    private const uint Opus = 0x4F707573;
    private const uint FLaC = 0x664C6143;

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
        var children = entry[VisualFields..];
        string? codec;
        double? frameRate = null;
        switch (type)
        {
            case Avc1 or Avc3:
                codec = AvcCodec(children, name, out var sps, out reason);
                if (sps is not null)
                {
                    (width, height, frameRate) = ((ushort)sps.Width, (ushort)sps.Height, sps.FrameRate);
                }

                break;
            case Hvc1 or Hev1:
                codec = BoxCursor.TryFind(children, HvcC, out var hvcC) ? HevcCodec(hvcC, name) : null;
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
        if (entry.Length < 8 + 28)
        {
            reason = $"audio sample entry {name} is too short";
            return null;
        }

        // QuickTime sound description versions 1 and 2 append 16 and 36 bytes of fields.
        var version = BinaryPrimitives.ReadUInt16BigEndian(entry[16..]);
        var fields = 8 + 28 + version switch { 1 => 16, 2 => 36, _ => 0 };
        var children = entry.Length >= fields ? entry[fields..] : default;
        string? codec;
        switch (type)
        {
            case Mp4a:
                codec = BoxCursor.TryFind(children, Esds, out var esds) ? Mp4aCodec(esds) : null;
                reason = codec is null ? "mp4a without a valid esds" : "";
                break;
            case Opus:
                codec = "opus";
                reason = "";
                break;
            case FLaC:
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
        if (!BoxCursor.TryFind(children, AvcC, out var avcC) || avcC.Length < 8)
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
        if (esds.Length < 4)
        {
            return null;
        }

        var d = esds[4..];
        if (!TryDescriptor(ref d, 3, out var es) || es.Length < 3)
        {
            return null;
        }

        var flags = es[2];
        var skip = 3 + ((flags & 0x80) != 0 ? 2 : 0) + ((flags & 0x20) != 0 ? 2 : 0);
        if ((flags & 0x40) != 0)
        {
            skip += es.Length > skip ? 1 + es[skip] : es.Length;
        }

        if (skip > es.Length)
        {
            return null;
        }

        es = es[skip..];
        if (!TryDescriptor(ref es, 4, out var config) || config.Length < 13)
        {
            return null;
        }

        var oti = config[0];
        if (oti != 0x40)
        {
            return $"mp4a.{oti:X2}";
        }

        var rest = config[13..];
        if (!TryDescriptor(ref rest, 5, out var asc) || asc.Length < 1)
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

    /// <summary>A descriptor of <paramref name="tag"/> at the start of <paramref name="data"/>: tag, then a size of up to 4 x 7 bits.</summary>
    private static bool TryDescriptor(ref ReadOnlySpan<byte> data, byte tag, out ReadOnlySpan<byte> body)
    {
        body = default;
        if (data.Length < 2 || data[0] != tag)
        {
            return false;
        }

        var size = 0;
        var i = 1;
        for (; i < 5 && i < data.Length; i++)
        {
            size = (size << 7) | (data[i] & 0x7F);
            if ((data[i] & 0x80) == 0)
            {
                break;
            }
        }

        i++;
        if (i > data.Length || size > data.Length - i)
        {
            return false;
        }

        body = data.Slice(i, size);
        data = data[(i + size)..];
        return true;
    }
}
