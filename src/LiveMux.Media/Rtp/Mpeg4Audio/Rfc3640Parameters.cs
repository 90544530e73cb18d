using System.Globalization;
using LiveMux.Media.Codecs.Aac;

namespace LiveMux.Media.Rtp.Mpeg4Audio;

/// <summary>
/// The a=fmtp parameters of an RFC 3640 (mpeg4-generic) audio stream, section 4.1, e.g.
/// <code>
/// a=fmtp:96 streamtype=5; profile-level-id=15; mode=AAC-hbr; config=1210; sizelength=13; indexlength=3; indexdeltalength=3
/// </code>
/// AAC-hbr fixes sizelength 13 / indexlength 3 / indexdeltalength 3 and AAC-lbr 6 / 2 / 2 (sections 3.3.5, 3.3.6);
/// cameras that omit them still mean those. Interleaving, CTS/DTS deltas and auxiliary data are parsed so
/// packets can be walked, but interleaved streams are refused.
/// </summary>
public sealed record Rfc3640Parameters
{
    /// <summary>Longest header field the parser accepts; the RFC's own modes use at most 16 bits.</summary>
    public const int MaxFieldBits = 32;

    public required AudioSpecificConfig Config { get; init; }

    public required byte[] ConfigBytes { get; init; }

    public string Mode { get; init; } = "";
    public int SizeLength { get; init; }
    public int IndexLength { get; init; }
    public int IndexDeltaLength { get; init; }
    public int CtsDeltaLength { get; init; }
    public int DtsDeltaLength { get; init; }
    public bool RandomAccessIndication { get; init; }
    public int StreamStateIndication { get; init; }
    public int AuxiliaryDataSizeLength { get; init; }
    public int ConstantSize { get; init; }

    /// <summary>constantDuration in RTP clock ticks, 0 when absent.</summary>
    public int ConstantDuration { get; init; }

    public int MaxDisplacement { get; init; }

    /// <summary>Whether packets start with the AU Header Section (3.2.1): any header field is present.</summary>
    public bool HasAuHeaders =>
        SizeLength > 0 || IndexLength > 0 || IndexDeltaLength > 0 || CtsDeltaLength > 0 || DtsDeltaLength > 0
        || RandomAccessIndication || StreamStateIndication > 0;

    public static bool TryParse(IReadOnlyDictionary<string, string> fmtp, out Rfc3640Parameters parameters, out string? error)
    {
        parameters = null!;
        if (!fmtp.TryGetValue("config", out var hex) || hex.Length == 0 || hex.Length % 2 != 0
            || hex.Length / 2 > Mp4aSampleEntry.MaxConfigBytes || !hex.All(Uri.IsHexDigit))
        {
            error = "config= is missing or not an even-length hex string";
            return false;
        }

        var configBytes = Convert.FromHexString(hex);

        if (!AudioSpecificConfig.TryParse(configBytes, out var config, out error))
        {
            return false;
        }

        var mode = fmtp.TryGetValue("mode", out var m) ? m : "";
        var (size, index, delta) = mode.ToUpperInvariant() switch
        {
            "AAC-HBR" => (13, 3, 3),
            "AAC-LBR" => (6, 2, 2),
            _ => (0, 0, 0),
        };

        var ok = true;
        parameters = new Rfc3640Parameters
        {
            Config = config,
            ConfigBytes = configBytes,
            Mode = mode,
            SizeLength = Int("sizelength", size, MaxFieldBits),
            IndexLength = Int("indexlength", index, MaxFieldBits),
            IndexDeltaLength = Int("indexdeltalength", delta, MaxFieldBits),
            CtsDeltaLength = Int("ctsdeltalength", 0, MaxFieldBits),
            DtsDeltaLength = Int("dtsdeltalength", 0, MaxFieldBits),
            RandomAccessIndication = Int("randomaccessindication", 0, 1) == 1,
            StreamStateIndication = Int("streamstateindication", 0, MaxFieldBits),
            AuxiliaryDataSizeLength = Int("auxiliarydatasizelength", 0, MaxFieldBits),
            ConstantSize = Int("constantsize", 0, 1 << 20),
            ConstantDuration = Int("constantduration", 0, 1 << 20),
            MaxDisplacement = Int("maxdisplacement", 0, int.MaxValue),
        };

        if (!ok)
        {
            parameters = null!;
            error = "an fmtp length parameter is not a number in range";
            return false;
        }

        if (parameters.SizeLength == 0 && parameters.ConstantSize == 0 && parameters.HasAuHeaders)
        {
            // Without sizes the AUs of a packet cannot be told apart; RFC 3640 3.2.1 needs one or the other.
            parameters = null!;
            error = "AU headers without sizelength need constantsize";
            return false;
        }

        error = null;
        return true;

        int Int(string key, int fallback, int max)
        {
            if (!fmtp.TryGetValue(key, out var text))
            {
                return fallback;
            }

            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > max)
            {
                ok = false;
                return 0;
            }

            return value;
        }
    }
}
