namespace LiveMux.LoadGen;

internal static class Percentiles
{
    public static object? Summary(List<float> samples)
    {
        if (samples.Count == 0)
        {
            return null;
        }

        samples.Sort();
        return new
        {
            samples = samples.Count,
            p50 = Round(At(samples, 0.50)),
            p95 = Round(At(samples, 0.95)),
            p99 = Round(At(samples, 0.99)),
            max = Round(samples[^1]),
        };
    }

    public static double At(List<float> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    public static double Round(double v) => Math.Round(v, 2);
}
