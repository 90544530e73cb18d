namespace LiveMux.Server.Egress.Mse;

/// <summary>
/// The codecs a browser's MediaSource accepts, as sent by the player (go2rtc's MSE protocol). A browser
/// cannot enumerate every profile and level, so a codec family it offers (avc1, hvc1, mp4a, opus, flac)
/// stands for the family.
/// </summary>
internal sealed class CodecOffer
{
    public const int MaxCodecs = 64;

    private readonly HashSet<string> _families = new(StringComparer.OrdinalIgnoreCase);

    private CodecOffer()
    {
    }

    public static CodecOffer Parse(string value)
    {
        var offer = new CodecOffer();
        foreach (var codec in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(MaxCodecs))
        {
            offer._families.Add(Family(codec));
        }

        return offer;
    }

    public bool IsEmpty => _families.Count == 0;

    /// <summary>Whether the browser offered <paramref name="codec"/>'s family.</summary>
    public bool Supports(string codec) => _families.Contains(Family(codec));

    /// <summary>
    /// Why this viewer is refused, naming the stream's codec, its common name and what the browser offered,
    /// e.g. "... codec hvc1.1.6.L93.B0 (H.265/HEVC); it offered avc1,mp4a". Offered families are the
    /// viewer's own input, so only short alphanumeric ones are repeated.
    /// </summary>
    public string Refusal(string codec)
    {
        var name = Family(codec).ToLowerInvariant() switch
        {
            "hvc1" => " (H.265/HEVC)",
            "avc1" => " (H.264)",
            "mp4a" => " (AAC)",
            "opus" => " (Opus)",
            "flac" => " (FLAC)",
            _ => "",
        };
        var offered = string.Join(",", _families.Where(f => f.Length is > 0 and <= 8 && f.All(char.IsAsciiLetterOrDigit)).Order(StringComparer.Ordinal));
        return $"this browser cannot play the stream's codec {codec}{name}; it offered {(offered.Length == 0 ? "nothing playable" : offered)}";
    }

    private static string Family(string codec)
    {
        var dot = codec.IndexOf('.', StringComparison.Ordinal);
        var family = dot < 0 ? codec : codec[..dot];
        // hev1 and hvc1 describe the same bitstream; we always mux hvc1.
        return family.Equals("hev1", StringComparison.OrdinalIgnoreCase) ? "hvc1" : family;
    }
}
