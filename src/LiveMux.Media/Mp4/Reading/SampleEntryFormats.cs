using System.Buffers.Binary;
using LiveMux.Media.Codecs.Aac;
using LiveMux.Media.Codecs.H264;
using LiveMux.Media.Codecs.H265;
using LiveMux.Media.Codecs.Opus;
using LiveMux.Media.Formats;
using LiveMux.Media.Rtp.Mpeg4Audio;

namespace LiveMux.Media.Mp4.Reading;

/// <summary>
/// The typed RTP format of a sample entry, so a track read from MP4 (ffmpeg's output) can be written as RTP again:
/// <code>
/// avc1/avc3 + avcC  -> H264Format       SPS, PPS: the first of each in the record (14496-15 5.3.3.1)
/// hvc1/hev1 + hvcC  -> H265Format       VPS, SPS, PPS: the first of each array (14496-15 8.3.3.1)
/// mp4a + esds 0x40  -> Mpeg4AudioFormat the AudioSpecificConfig as RFC 3640 AAC-hbr config=, clock = its rate
/// Opus + dOps       -> OpusFormat       mono or stereo (mapping family 0), RFC 7587
/// </code>
/// Anything else (FLAC, MP3, multichannel Opus) has none, with the reason. Every length is checked against the
/// box it sits in: a malformed entry gives null, never an exception.
/// </summary>
internal static class SampleEntryFormats
{
    /// <summary>Dynamic payload types (RFC 3551 6): one per kind, as ffmpeg's RTSP muxer numbers them.</summary>
    public const int VideoPayloadType = 96;

    public const int AudioPayloadType = 97;


    /// <summary>Byte offset of an AudioSampleEntry's channelcount (after header, reserved, index, version, revision, vendor).</summary>
    private const int ChannelCountOffset = 24;

    public static MediaFormat? From(ReadOnlySpan<byte> entry, TrackKind kind, out string reason)
    {
        if (entry.Length < 8)
        {
            reason = "the sample entry is too short";
            return null;
        }

        var type = BinaryPrimitives.ReadUInt32BigEndian(entry[4..]);
        var name = InitParser.FourCcText(type);
        return (kind, type) switch
        {
            (TrackKind.Video, FourCc.Avc1 or FourCc.Avc3) => H264(SampleEntryCodecs.VisualChildren(entry), name, out reason),
            (TrackKind.Video, FourCc.Hvc1 or FourCc.Hev1) => H265(SampleEntryCodecs.VisualChildren(entry), name, out reason),
            (TrackKind.Audio, FourCc.Mp4a) => Aac(entry, out reason),
            (TrackKind.Audio, FourCc.Opus) => OpusOf(SampleEntryCodecs.AudioChildren(entry), out reason),
            _ => None<MediaFormat>(out reason, $"{name} has no RTP payload format LiveMux writes"),
        };
    }

    private static H264Format? H264(ReadOnlySpan<byte> children, string name, out string reason)
    {
        // avcC: version, profile, compat, level, then lengthSizeMinusOne in the low bits of byte 4.
        if (!BoxCursor.TryFind(children, FourCc.AvcC, out var avcC) || avcC.Length < 7 || (avcC[4] & 3) != 3
            || !AvcConfigurationRecord.TryReadFirst(avcC, out var sps, out var pps) || sps.Length < 4)
        {
            return None<H264Format>(out reason, $"{name} without an avcC holding an SPS and a PPS with 4-byte NAL lengths");
        }

        reason = "";
        return new H264Format(VideoPayloadType, sps.ToArray(), pps.ToArray());
    }

    private static H265Format? H265(ReadOnlySpan<byte> children, string name, out string reason)
    {
        if (!BoxCursor.TryFind(children, FourCc.HvcC, out var hvcC) || !HevcConfigurationRecord.TryReadFirst(hvcC, out var vps, out var sps, out var pps))
        {
            return None<H265Format>(out reason, $"{name} without an hvcC holding a VPS, an SPS and a PPS with 4-byte NAL lengths");
        }

        reason = "";
        return new H265Format(VideoPayloadType, vps.ToArray(), sps.ToArray(), pps.ToArray());
    }

    private static Mpeg4AudioFormat? Aac(ReadOnlySpan<byte> entry, out string reason)
    {
        if (!BoxCursor.TryFind(SampleEntryCodecs.AudioChildren(entry), FourCc.Esds, out var esds)
            || !Mp4aSampleEntry.TryReadEsds(esds, out var objectType, out var ascBytes))
        {
            return None<Mpeg4AudioFormat>(out reason, "mp4a without a valid esds");
        }

        if (objectType != 0x40)
        {
            // MP3 (0x6B) and MPEG-2 AAC (0x66-0x68) would need other RTP payload formats.
            return None<Mpeg4AudioFormat>(out reason, $"mp4a with object type 0x{objectType:X2} has no RTP payload format LiveMux writes (AAC is 0x40)");
        }

        if (ascBytes.Length is 0 or > Mp4aSampleEntry.MaxConfigBytes)
        {
            return None<Mpeg4AudioFormat>(out reason, $"mp4a with an AudioSpecificConfig of {ascBytes.Length} bytes");
        }

        if (!AudioSpecificConfig.TryParse(ascBytes, out var config, out var error))
        {
            return None<Mpeg4AudioFormat>(out reason, "mp4a: " + error);
        }

        // Channel configuration 0 defines the channels in a program_config_element: the entry's count says them.
        var channels = config.Channels > 0 ? config.Channels : Math.Clamp((int)BinaryPrimitives.ReadUInt16BigEndian(entry[ChannelCountOffset..]), 1, 8);
        var parameters = new Rfc3640Parameters
        {
            Config = config,
            ConfigBytes = ascBytes.ToArray(),
            Mode = "AAC-hbr",
            SizeLength = 13,
            IndexLength = 3,
            IndexDeltaLength = 3,
        };
        reason = "";
        return new Mpeg4AudioFormat(AudioPayloadType, config.SampleRate, channels, parameters);
    }

    private static OpusFormat? OpusOf(ReadOnlySpan<byte> children, out string reason)
    {
        if (!BoxCursor.TryFind(children, FourCc.DOps, out var dOps) || !OpusSampleEntry.TryReadDOps(dOps, out var channels, out var inputRate, out var family))
        {
            return None<OpusFormat>(out reason, "Opus without a valid dOps");
        }

        if (family != 0 || channels is < 1 or > 2)
        {
            // RFC 7587 carries one Opus stream: mono or stereo. More channels take a multistream mapping.
            return None<OpusFormat>(out reason, $"Opus with {channels} channels (mapping family {family}) has no RTP payload format LiveMux writes");
        }

        reason = "";
        return new OpusFormat(AudioPayloadType, channels, inputRate is >= 8000 and <= 192000 ? inputRate : 48000);
    }

    private static T? None<T>(out string reason, string why)
        where T : MediaFormat
    {
        reason = why;
        return null;
    }
}
