using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace LiveMux.Media.Sdp;

/// <summary>
/// The parts of an SDP (RFC 8866; RTSP usage in RFC 2326 appendix C) that an RTSP client needs:
/// session and media a=control, and per m= section its payload type, a=rtpmap and a=fmtp.
/// <code>
///   v=0                                   first line, required
///   o=- 1 1 IN IP4 0.0.0.0                ignored
///   a=control:*                           session level (before the first m=)
///   m=video 0 RTP/AVP 96                  one MediaTrack per RTP m= section
///   a=rtpmap:96 H264/90000                encoding/clock[/channels]
///   a=fmtp:96 packetization-mode=1;...    key=value;key=value
///   a=control:trackID=1                   media level
/// </code>
/// Tolerates LF-only endings, trailing blanks, blank lines and unknown lines; rejects anything that
/// is not "x=value" lines starting with v=, and caps sizes (<see cref="SdpLimits"/>).
/// </summary>
public sealed class SessionDescription
{
    private SessionDescription(string? control, IReadOnlyList<MediaTrack> tracks)
    {
        Control = control;
        Tracks = tracks;
    }

    /// <summary>Session-level a=control, raw.</summary>
    public string? Control { get; }

    public IReadOnlyList<MediaTrack> Tracks { get; }

    public static bool TryParse(
        ReadOnlySpan<byte> utf8,
        [NotNullWhen(true)] out SessionDescription? sdp,
        [NotNullWhen(false)] out string? error)
    {
        sdp = null;
        error = Parse(utf8, out var result);
        if (error is not null)
        {
            return false;
        }
        sdp = result!;
        return true;
    }

    private static string? Parse(ReadOnlySpan<byte> utf8, out SessionDescription? sdp)
    {
        sdp = null;
        if (utf8.Length > SdpLimits.MaxBytes)
        {
            return $"SDP is larger than {SdpLimits.MaxBytes} bytes";
        }
        if (utf8.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        string? sessionControl = null;
        var sections = new List<MediaSection>();
        var lineNumber = 0;
        var sawVersion = false;
        while (!utf8.IsEmpty)
        {
            var end = utf8.IndexOf((byte)'\n');
            var raw = end < 0 ? utf8 : utf8[..end];
            utf8 = end < 0 ? default : utf8[(end + 1)..];
            lineNumber++;
            if (lineNumber > SdpLimits.MaxLines)
            {
                return $"SDP has more than {SdpLimits.MaxLines} lines";
            }
            if (raw.Length > SdpLimits.MaxLineLength)
            {
                return $"SDP line {lineNumber} is longer than {SdpLimits.MaxLineLength} bytes";
            }
            var line = raw.TrimEnd(" \t\r"u8);
            if (line.IsEmpty)
            {
                continue;
            }
            if (line.Length < 2 || line[1] != (byte)'=' || line[0] < (byte)'a' || line[0] > (byte)'z')
            {
                return $"SDP line {lineNumber} is not of the form x=value";
            }
            if (line.IndexOfAnyInRange((byte)0, (byte)8) >= 0 || line.IndexOfAnyInRange((byte)10, (byte)31) >= 0)
            {
                return $"SDP line {lineNumber} contains control characters";
            }
            var type = (char)line[0];
            var value = Encoding.UTF8.GetString(line[2..]);
            if (!sawVersion)
            {
                if (type != 'v' || value.Trim() != "0")
                {
                    return "SDP does not start with v=0";
                }
                sawVersion = true;
                continue;
            }

            if (type == 'm')
            {
                if (sections.Count == SdpLimits.MaxMediaSections)
                {
                    return $"SDP has more than {SdpLimits.MaxMediaSections} media sections";
                }
                var section = MediaSection.TryParse(value);
                if (section is null)
                {
                    return $"SDP line {lineNumber}: malformed m= line";
                }
                sections.Add(section);
            }
            else if (type == 'a')
            {
                var current = sections.Count == 0 ? null : sections[^1];
                var attributeError = ApplyAttribute(value, current, ref sessionControl);
                if (attributeError is not null)
                {
                    return $"SDP line {lineNumber}: {attributeError}";
                }
            }
        }

        if (!sawVersion)
        {
            return "SDP is empty";
        }
        var tracks = new List<MediaTrack>(sections.Count);
        foreach (var section in sections)
        {
            if (section.ToTrack() is { } track)
            {
                tracks.Add(track);
            }
        }
        if (tracks.Count == 0)
        {
            return "SDP has no RTP media section";
        }
        sdp = new SessionDescription(sessionControl, tracks);
        return null;
    }

    private static string? ApplyAttribute(string value, MediaSection? section, ref string? sessionControl)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var name = (colon < 0 ? value : value[..colon]).Trim();
        var argument = colon < 0 ? "" : value[(colon + 1)..].Trim();
        if (name.Equals("control", StringComparison.OrdinalIgnoreCase))
        {
            if (section is null)
            {
                sessionControl = argument;
            }
            else
            {
                section.Control = argument;
            }
            return null;
        }
        if (section is null)
        {
            return null;
        }
        if (name.Equals("rtpmap", StringComparison.OrdinalIgnoreCase))
        {
            return section.AddRtpMap(argument) ? null : "malformed a=rtpmap";
        }
        if (name.Equals("fmtp", StringComparison.OrdinalIgnoreCase))
        {
            return section.AddFormatParameters(argument);
        }
        return null;
    }

    private sealed class MediaSection
    {
        private readonly Dictionary<int, (string Name, int Clock, int Channels)> _rtpMaps = [];
        private readonly Dictionary<int, Dictionary<string, string>> _fmtps = [];

        private MediaSection(string mediaType, int? payloadType)
        {
            MediaType = mediaType;
            PayloadType = payloadType;
        }

        public string MediaType { get; }

        /// <summary>Null for non-RTP sections (e.g. "m=application 9 TCP/BFCP *"): they yield no track.</summary>
        public int? PayloadType { get; }

        public string? Control { get; set; }

        // m=<media> <port>[/<count>] <proto> <fmt> ...
        public static MediaSection? TryParse(string value)
        {
            var fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length < 4 || !IsToken(fields[0]))
            {
                return null;
            }
            var isRtp = fields[2].Contains("RTP", StringComparison.OrdinalIgnoreCase);
            int? pt = isRtp && TryParsePayloadType(fields[3], out var p) ? p : null;
            return new MediaSection(fields[0].ToLowerInvariant(), pt);
        }

        // a=rtpmap:<pt> <encoding>/<clock>[/<channels>]
        public bool AddRtpMap(string argument)
        {
            var space = argument.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0 || !TryParsePayloadType(argument[..space], out var pt))
            {
                return false;
            }
            var parts = argument[(space + 1)..].Trim().Split('/', StringSplitOptions.TrimEntries);
            if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || !IsToken(parts[0])
                || !TryParsePositive(parts[1], out var clock))
            {
                return false;
            }
            var channels = 1;
            if (parts.Length == 3 && !TryParsePositive(parts[2], out channels))
            {
                return false;
            }
            _rtpMaps[pt] = (parts[0].ToUpperInvariant(), clock, channels);
            return true;
        }

        // a=fmtp:<pt> key=value;key=value  (values may contain '=', e.g. base64 in sprop-parameter-sets)
        public string? AddFormatParameters(string argument)
        {
            var space = argument.IndexOfAny([' ', '\t']);
            var ptText = space < 0 ? argument : argument[..space];
            if (!TryParsePayloadType(ptText, out var pt))
            {
                return "malformed a=fmtp";
            }
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var list = space < 0 ? "" : argument[(space + 1)..];
            foreach (var item in list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (parameters.Count == SdpLimits.MaxFormatParameters)
                {
                    return $"a=fmtp has more than {SdpLimits.MaxFormatParameters} parameters";
                }
                var eq = item.IndexOf('=', StringComparison.Ordinal);
                var key = (eq < 0 ? item : item[..eq]).Trim();
                if (key.Length > 0)
                {
                    parameters[key] = eq < 0 ? "" : item[(eq + 1)..].Trim();
                }
            }
            _fmtps[pt] = parameters;
            return null;
        }

        public MediaTrack? ToTrack()
        {
            if (PayloadType is not { } pt)
            {
                return null;
            }
            string name;
            int clock, channels;
            if (_rtpMaps.TryGetValue(pt, out var map))
            {
                (name, clock, channels) = map;
            }
            else if (!StaticPayloadTypes.TryGet(pt, out name, out clock, out channels))
            {
                (name, clock, channels) = ("", 0, 1);
            }
            return new MediaTrack
            {
                MediaType = MediaType,
                PayloadType = pt,
                EncodingName = name,
                ClockRate = clock,
                Channels = channels,
                Control = Control,
                FormatParameters = _fmtps.TryGetValue(pt, out var fmtp) ? fmtp : MediaTrack.NoParameters,
            };
        }

        private static bool TryParsePayloadType(string text, out int pt) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out pt) && pt <= 127;

        private static bool TryParsePositive(string text, out int value) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;

        private static bool IsToken(string text)
        {
            foreach (var c in text)
            {
                if (c <= ' ' || c >= 127 || c is '/' or ':' or ';' or '=' or '"')
                {
                    return false;
                }
            }
            return text.Length > 0;
        }
    }
}
