namespace LiveMux.Media.Sdp;

/// <summary>One m= section of an SDP (RFC 8866 section 5.14), reduced to what an RTP receiver needs.</summary>
public sealed class MediaTrack
{
    internal static readonly IReadOnlyDictionary<string, string> NoParameters =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>"video", "audio", ... in lower case.</summary>
    public required string MediaType { get; init; }

    /// <summary>The first payload type of the m= line (cameras announce one per section).</summary>
    public required int PayloadType { get; init; }

    /// <summary>Upper-case encoding name from a=rtpmap or the static table; "" when unknown.</summary>
    public required string EncodingName { get; init; }

    /// <summary>RTP clock rate in Hz; 0 when unknown (dynamic payload type without a=rtpmap).</summary>
    public required int ClockRate { get; init; }

    public int Channels { get; init; } = 1;

    /// <summary>a=fmtp parameters; keys compare case-insensitively, values are trimmed.</summary>
    public IReadOnlyDictionary<string, string> FormatParameters { get; init; } = NoParameters;

    /// <summary>The raw a=control value of the media section, unresolved.</summary>
    public string? Control { get; init; }

    public override string ToString() =>
        EncodingName.Length == 0
            ? $"{MediaType} pt={PayloadType}"
            : $"{MediaType} {EncodingName}/{ClockRate}" + (Channels > 1 ? $"/{Channels}" : "");
}
