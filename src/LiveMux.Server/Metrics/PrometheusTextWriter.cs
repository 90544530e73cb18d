using System.Globalization;
using System.Text;

namespace LiveMux.Server.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format, version 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format):
/// <code>
/// # HELP livemux_stream_bytes_in_total Bytes received from the upstream.     HELP escapes \ and newline
/// # TYPE livemux_stream_bytes_in_total counter                                once per family, before its samples
/// livemux_stream_bytes_in_total{stream="cam1"} 12345                          label values escape \ " and newline
/// livemux_stream_bytes_in_total{stream="cam \"2\""} 0
/// </code>
/// Every family is written whole, HELP and TYPE first, and never again: a repeated family is an error to
/// Prometheus. Hand-written rather than prometheus-net: the numbers already live in the hub's counters and
/// are read at scrape time, so a removed stream's series vanish with it instead of lingering in a static
/// registry until someone unregisters them, and the server takes no dependency for 100 lines of text.
/// </summary>
internal sealed class PrometheusTextWriter(StringBuilder output)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly HashSet<string> _families = new(StringComparer.Ordinal);
    private string? _family;

    /// <summary>Starts a family: <paramref name="type"/> is counter, gauge or untyped; counters end in <c>_total</c>.</summary>
    public void Family(string name, string type, string help)
    {
        if (!IsMetricName(name) || !_families.Add(name))
        {
            throw new ArgumentException($"bad or repeated metric name '{name}'", nameof(name));
        }

        if (type is not ("counter" or "gauge" or "untyped") || (type == "counter") != name.EndsWith("_total", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{name}: counters, and only counters, end in _total", nameof(type));
        }

        _family = name;
        output.Append("# HELP ").Append(name).Append(' ');
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => output.Append(@"\\"),
                '\n' => output.Append(@"\n"),
                _ => output.Append(c),
            };
        }

        output.Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>One sample of the current family, labels in the order given.</summary>
    public void Sample(double value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        var name = _family ?? throw new InvalidOperationException("a sample before its family");
        output.Append(name);
        if (labels.Length > 0)
        {
            output.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                var (label, text) = labels[i];
                if (!IsLabelName(label))
                {
                    throw new ArgumentException($"bad label name '{label}'", nameof(labels));
                }

                output.Append(i == 0 ? "" : ",").Append(label).Append("=\"");
                foreach (var c in text)
                {
                    _ = c switch
                    {
                        '\\' => output.Append(@"\\"),
                        '"' => output.Append("\\\""),
                        '\n' => output.Append(@"\n"),
                        _ => output.Append(c),
                    };
                }

                output.Append('"');
            }

            output.Append('}');
        }

        output.Append(' ').Append(Format(value)).Append('\n');
    }

    /// <summary>Go's ParseFloat spellings, which Prometheus reads: +Inf, -Inf, NaN, else shortest round-trip.</summary>
    internal static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    internal static bool IsMetricName(string name) => IsName(name, allowColon: true);

    internal static bool IsLabelName(string name) => !name.StartsWith("__", StringComparison.Ordinal) && IsName(name, allowColon: false);

    // [a-zA-Z_:][a-zA-Z0-9_:]* for metrics, without the colons for labels.
    private static bool IsName(string name, bool allowColon)
    {
        if (name.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = char.IsAsciiLetter(c) || c == '_' || (allowColon && c == ':') || (i > 0 && char.IsAsciiDigit(c));
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
