using System.Globalization;
using LiveMux.Hub.Sources.Ffmpeg;

namespace LiveMux.Server.Api;

/// <summary>
/// The ffmpeg input options a stream added through the API may set: a fixed list of options, each with a
/// bounded, checked value. Everything else is refused with the option named: a word that is not an option
/// (ffmpeg would take it as an output file), <c>-y</c>/<c>-n</c>, options that name a file or URL, options that
/// change what ffmpeg may open, and demuxers that read files by themselves (lavfi, tty, concat, ...).
/// Configuration files keep ffmpeg's whole command line.
/// </summary>
internal static class ApiInputOptions
{
    private const int MaxMicroseconds = 600_000_000;

    // Demuxers for network and single-file inputs; none opens further files or renders text.
    private static readonly string[] Demuxers =
        ["rtsp", "rtp", "mpegts", "flv", "live_flv", "hls", "mp4", "mov", "matroska", "webm", "h264", "hevc", "mjpeg", "mpjpeg", "aac", "mp3", "ogg", "wav"];

    private static readonly Dictionary<string, Func<string, string?>?> Allowed = new(StringComparer.Ordinal)
    {
        ["re"] = null,
        ["readrate"] = v => Decimal(v, 0, 100),
        ["stream_loop"] = v => Integer(v, -1, 1_000_000),
        ["rtsp_transport"] = v => OneOf(v, "tcp", "udp", "udp_multicast", "http", "https"),
        ["rtsp_flags"] = v => OneOf(v, "prefer_tcp", "filter_src"),
        ["allowed_media_types"] = v => Flags(v, "video", "audio", "data", "subtitle"),
        ["timeout"] = v => Integer(v, 0, MaxMicroseconds),
        ["rw_timeout"] = v => Integer(v, 0, MaxMicroseconds),
        ["fflags"] = v => Flags(v, "nobuffer", "genpts", "discardcorrupt", "igndts", "ignidx", "nofillin", "noparse", "sortdts", "fastseek"),
        ["flags"] = v => Flags(v, "low_delay"),
        ["analyzeduration"] = v => Integer(v, 0, 60_000_000),
        ["probesize"] = v => Integer(v, 32, 100_000_000),
        ["max_delay"] = v => Integer(v, 0, 60_000_000),
        ["reorder_queue_size"] = v => Integer(v, 0, 10_000),
        ["buffer_size"] = v => Integer(v, 0, 64 * 1024 * 1024),
        ["thread_queue_size"] = v => Integer(v, 1, 16_384),
        ["use_wallclock_as_timestamps"] = v => OneOf(v, "0", "1"),
        ["f"] = Demuxer,
        ["r"] = Rate,
        ["framerate"] = Rate,
        ["video_size"] = Size,
        ["pixel_format"] = v => v.Length is > 0 and <= 32 && v.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') ? null : "takes a pixel format name such as yuv420p",
        ["user_agent"] = v => v.Length is > 0 and <= 256 && v.All(c => c is >= ' ' and <= '~') ? null : "takes printable ASCII text of at most 256 characters",
        ["reconnect"] = v => OneOf(v, "0", "1"),
        ["reconnect_streamed"] = v => OneOf(v, "0", "1"),
        ["reconnect_at_eof"] = v => OneOf(v, "0", "1"),
        ["reconnect_on_network_error"] = v => OneOf(v, "0", "1"),
        ["reconnect_delay_max"] = v => Integer(v, 0, 600),
        ["tls_verify"] = v => OneOf(v, "0", "1"),
    };

    // Refused with the reason, so a caller learns why rather than that the option is unknown.
    private static readonly Dictionary<string, string> Refused = new(StringComparer.Ordinal)
    {
        ["y"] = "it lets ffmpeg overwrite files",
        ["n"] = "it is about output files, and LiveMux's ffmpeg writes none",
        ["i"] = "the input is ffmpeg.input",
        ["dump_attachment"] = "it writes files",
        ["attach"] = "it names a file to read",
        ["report"] = "it writes a file",
        ["filter_script"] = "it names a file to read",
        ["filter_complex_script"] = "it names a file to read",
        ["filter_complex"] = "filters can read files (movie=, amovie=)",
        ["lavfi"] = "filters can read files (movie=, amovie=)",
        ["vf"] = "filters can read files (movie=, amovie=)",
        ["af"] = "filters can read files (movie=, amovie=)",
        ["protocol_whitelist"] = "LiveMux sets the protocols a stream added through the API may use",
        ["protocol_blacklist"] = "LiveMux sets the protocols a stream added through the API may use",
        ["format_whitelist"] = "LiveMux sets the formats a stream added through the API may use",
        ["allowed_extensions"] = "it lets a playlist name local files",
        ["ca_file"] = "it names a file to read",
        ["cert_file"] = "it names a file to read",
        ["key_file"] = "it names a file to read",
        ["headers"] = "it sends free text to the server; set it in a configuration file",
        ["listen"] = "it makes ffmpeg a server",
    };

    private static readonly Dictionary<string, string> RefusedDemuxers = new(StringComparer.Ordinal)
    {
        ["lavfi"] = "its filters can read any file (movie=)",
        ["tty"] = "it renders any text file as video",
        ["concat"] = "it opens the files its input lists",
        ["image2"] = "it opens files by pattern",
        ["sdp"] = "it opens the sockets and files its input names",
    };

    /// <summary>Checks the tokens of <c>InputOptions</c>; each refusal names the option.</summary>
    public static void Validate(List<OptionError> errors, string key, IReadOnlyList<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Length < 2 || token[0] != '-')
            {
                Add(errors, key, $"'{Shown(token)}' is not an option: ffmpeg would take it as an output file");
                continue;
            }

            // A stream specifier (-dump_attachment:t:0) does not change what the option does.
            var name = token[1..];
            if (Refused.TryGetValue(name.Split(':')[0], out var reason))
            {
                Add(errors, key, $"'{Shown(token)}' is not allowed through the API: {reason}");
                continue;
            }

            if (!Allowed.TryGetValue(name, out var check))
            {
                Add(errors, key, $"'{Shown(token)}' is not an input option the API accepts; set it in a configuration file, or use one of: {string.Join(' ', Allowed.Keys.Select(k => "-" + k))}");
                continue;
            }

            if (check is null)
            {
                continue;
            }

            if (i + 1 >= tokens.Count)
            {
                Add(errors, key, $"'{token}' needs a value");
                continue;
            }

            var value = tokens[++i];
            if (check(value) is { } problem)
            {
                Add(errors, key, $"'{token} {Shown(value)}': {token} {problem}");
            }
        }
    }

    private static void Add(List<OptionError> errors, string key, string message) =>
        errors.Add(new("ffmpeg.inputOptions", $"{key}:Ffmpeg:InputOptions: {message}"));

    // A refused word is echoed so the caller can find it, but never a whole essay.
    private static string Shown(string token) => token.Length <= 40 ? token : token[..40] + "...";

    private static string? Demuxer(string value)
    {
        if (RefusedDemuxers.TryGetValue(value, out var reason))
        {
            return $"is not allowed through the API: {reason}";
        }

        return Demuxers.Contains(value, StringComparer.Ordinal) ? null : $"takes one of the demuxers {string.Join(", ", Demuxers)}";
    }

    private static string? Integer(string value, long min, long max) =>
        value.Length <= 12 && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? null
            : $"takes a whole number from {min} to {max}";

    private static string? Decimal(string value, double min, double max) =>
        value.Length <= 12 && value.All(c => char.IsAsciiDigit(c) || c == '.')
        && double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) && d >= min && d <= max
            ? null
            : $"takes a number from {min} to {max}";

    private static string? OneOf(string value, params string[] choices) =>
        choices.Contains(value, StringComparer.Ordinal) ? null : $"takes one of {string.Join(", ", choices)}";

    // ffmpeg's flag syntax: names joined by '+' (set) or '-' (clear), a leading '+' or '-' allowed.
    private static string? Flags(string value, params string[] names)
    {
        var parts = value.Split('+', '-');
        var ok = value.Length is > 0 and <= 200 && parts.Where((p, i) => i > 0 || p.Length > 0).All(p => names.Contains(p, StringComparer.Ordinal));
        return ok ? null : $"takes {string.Join(", ", names)}, joined with + or -";
    }

    private static string? Rate(string value)
    {
        var parts = value.Split('/');
        if (parts.Length is 1 or 2 && value.Length <= 16
            && double.TryParse(parts[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var num)
            && (parts.Length == 1 || (int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var den) && den > 0 && (num /= den) > 0)) && num is > 0 and <= 1000)
        {
            return null;
        }

        return "takes a frame rate such as 25 or 30000/1001 (at most 1000)";
    }

    private static string? Size(string value)
    {
        var parts = value.Split('x');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var w) && w is > 0 and <= 16384
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h) && h is > 0 and <= 16384
                ? null
                : "takes WIDTHxHEIGHT, such as 1280x720";
    }

    /// <summary>Splits and checks; text that cannot be split is <see cref="FfmpegOptionsValidator"/>'s to report.</summary>
    public static void Validate(List<OptionError> errors, string key, string inputOptions)
    {
        if (FfmpegArguments.TryTokenize(inputOptions, out var tokens, out _))
        {
            Validate(errors, key, tokens);
        }
    }
}
