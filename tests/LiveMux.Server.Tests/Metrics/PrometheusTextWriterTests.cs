using System.Text;
using LiveMux.Server.Metrics;

namespace LiveMux.Server.Tests.Metrics;

public sealed class PrometheusTextWriterTests
{
    // Label values escape backslash, double quote and line feed (text format 0.0.4); nothing else.
    [Theory]
    [InlineData("cam1", "cam1")]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("tab\there", "tab\there")]
    [InlineData("ünï code", "ünï code")]
    [InlineData("", "")]
    public void Label_values_are_escaped(string value, string escaped)
    {
        var text = new StringBuilder();
        var w = new PrometheusTextWriter(text);
        w.Family("x_total", "counter", "h");
        w.Sample(1, ("stream", value));
        Assert.Equal($"# HELP x_total h\n# TYPE x_total counter\nx_total{{stream=\"{escaped}\"}} 1\n", text.ToString());
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("two\nlines", "two\\nlines")]
    [InlineData("a \"quote\" stays", "a \"quote\" stays")]
    public void Help_escapes_backslash_and_line_feed_only(string help, string escaped)
    {
        var text = new StringBuilder();
        new PrometheusTextWriter(text).Family("g", "gauge", help);
        Assert.Equal($"# HELP g {escaped}\n# TYPE g gauge\n", text.ToString());
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(12345678901.0, "12345678901")]
    [InlineData(0.25, "0.25")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public void Values_use_spellings_prometheus_parses(double value, string text) =>
        Assert.Equal(text, PrometheusTextWriter.Format(value));

    [Theory]
    [InlineData("bytes", "counter")] // a counter without _total
    [InlineData("bytes_total", "gauge")] // _total on a gauge
    [InlineData("bytes_total", "histogram")] // a type this writer does not write
    [InlineData("1bytes_total", "counter")] // starts with a digit
    [InlineData("by-tes_total", "counter")]
    [InlineData("", "gauge")]
    public void Bad_families_are_refused(string name, string type) =>
        Assert.Throws<ArgumentException>(() => new PrometheusTextWriter(new StringBuilder()).Family(name, type, "h"));

    [Fact]
    public void A_family_is_written_once()
    {
        var w = new PrometheusTextWriter(new StringBuilder());
        w.Family("a", "gauge", "h");
        Assert.Throws<ArgumentException>(() => w.Family("a", "gauge", "h"));
    }

    [Theory]
    [InlineData("__name")]
    [InlineData("with:colon")]
    [InlineData("0track")]
    public void Bad_label_names_are_refused(string label)
    {
        var w = new PrometheusTextWriter(new StringBuilder());
        w.Family("a", "gauge", "h");
        Assert.Throws<ArgumentException>(() => w.Sample(1, (label, "v")));
    }
}
