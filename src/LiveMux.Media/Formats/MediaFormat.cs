using System.Globalization;
using LiveMux.Media.Mp4;
using LiveMux.Media.Rtp;
using LiveMux.Media.Sdp;

namespace LiveMux.Media.Formats;

/// <summary>
/// The typed format of one track (gortsplib's pkg/format): made from an SDP media section, it knows its codec
/// parameters and creates the depacketizer that reads it, the packetizer that writes it and the SDP attributes
/// that describe it. A new codec is one subclass and one case in <see cref="FromTrack"/>, and nothing else.
/// </summary>
public abstract class MediaFormat
{
    private protected MediaFormat(int payloadType, int clockRate)
    {
        PayloadType = payloadType;
        ClockRate = clockRate;
    }

    public abstract TrackKind Kind { get; }

    /// <summary>RTP clock rate in Hz.</summary>
    public int ClockRate { get; }

    /// <summary>The payload type the track was announced with.</summary>
    public int PayloadType { get; }

    /// <summary>The a=rtpmap encoding name, as it is written.</summary>
    public abstract string EncodingName { get; }

    /// <summary>Channels for a=rtpmap, or 0 when the encoding name takes none (video).</summary>
    protected virtual int RtpMapChannels => 0;

    /// <summary>The depacketizer of this format; <paramref name="options"/> bound audio units (video takes none).</summary>
    public abstract IDepacketizer CreateDepacketizer(AudioDepacketizerOptions? options = null);

    public abstract RtpPacketizer CreatePacketizer(RtpPacketizerOptions options);

    /// <summary>The a=fmtp value (without "fmtp:PT "), or null when the format has none.</summary>
    public abstract string? FormatParameters { get; }

    /// <summary>
    /// The SDP media attributes (without "a=") that describe this format under <paramref name="payloadType"/>:
    /// a=rtpmap, and a=fmtp when there is one.
    /// </summary>
    public IReadOnlyList<string> SdpAttributes(int payloadType)
    {
        var rtpmap = string.Create(CultureInfo.InvariantCulture,
            $"rtpmap:{payloadType} {EncodingName}/{ClockRate}{(RtpMapChannels > 0 ? $"/{RtpMapChannels}" : "")}");
        return FormatParameters is { } fmtp
            ? [rtpmap, string.Create(CultureInfo.InvariantCulture, $"fmtp:{payloadType} {fmtp}")]
            : [rtpmap];
    }

    /// <summary>
    /// The m= section that announces this format under <paramref name="payloadType"/>: the media type of its
    /// kind, <see cref="SdpAttributes"/>, then <paramref name="attributes"/> (further lines, without "a=").
    /// </summary>
    public SdpMediaSection SdpSection(int payloadType, IReadOnlyList<string>? attributes = null) =>
        new(Kind == TrackKind.Video ? "video" : "audio", payloadType, [.. SdpAttributes(payloadType), .. attributes ?? []]);

    /// <summary>The format of an SDP media section, or null with the reason (for logs and errors) it is not supported.</summary>
    public static MediaFormat? FromTrack(MediaTrack track, out string? unsupportedReason)
    {
        unsupportedReason = null;
        MediaFormat? format = track.EncodingName switch
        {
            "H264" or "H265" when track.ClockRate != 90000 => null,
            "H264" => H264Format.Parse(track),
            "H265" => H265Format.Parse(track, out unsupportedReason),
            "MPEG4-GENERIC" when track.MediaType == "audio" => Mpeg4AudioFormat.Parse(track),
            "MP4A-LATM" => LatmFormat.Parse(track),
            "OPUS" => OpusFormat.Parse(track),
            "PCMA" or "PCMU" => G711Format.Parse(track),
            _ => null,
        };

        if (format is null)
        {
            unsupportedReason ??= track.EncodingName is "H264" or "H265" && track.ClockRate != 90000
                ? $"{track.EncodingName} with a {track.ClockRate} Hz clock (RTP video uses 90000)"
                : $"no depacketizer for {(track.EncodingName.Length == 0 ? $"payload type {track.PayloadType}" : track.EncodingName)}";
        }

        return format;
    }

    public static bool IsSupported(MediaTrack track) => FromTrack(track, out _) is not null;

    /// <summary>Why a track's format is not supported, or null when it is.</summary>
    public static string? UnsupportedReason(MediaTrack track)
    {
        FromTrack(track, out var reason);
        return reason;
    }

    /// <summary>The parameter sets of a comma-separated base64 list (sprop-parameter-sets, sprop-vps...), undecodable ones left out.</summary>
    private protected static List<byte[]> Base64List(MediaTrack track, string name, int minLength)
    {
        var sets = new List<byte[]>();
        if (!track.FormatParameters.TryGetValue(name, out var value))
        {
            return sets;
        }

        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bytes = new byte[part.Length];
            if (Convert.TryFromBase64String(part, bytes, out var length) && length >= minLength)
            {
                sets.Add(bytes[..length]);
            }
        }

        return sets;
    }
}
