namespace LiveMux.LoadGen;

internal sealed record ViewersOptions
{
    public required IReadOnlyList<Uri> Urls { get; init; }

    /// <summary>Viewers of each URL.</summary>
    public int PerUrl { get; init; } = 1;

    public double WarmupSeconds { get; init; } = 5;

    public double Seconds { get; init; } = 20;

    /// <summary>0: one report for the whole window; otherwise a JSON line every so many seconds as well.</summary>
    public double ReportEverySeconds { get; init; }

    /// <summary>New connections per second, so 500 viewers arrive as a crowd, not as one SYN burst.</summary>
    public int ConnectRate { get; init; } = 500;

    /// <summary>The first text message, go2rtc's MSE request, which LiveMux and go2rtc's player speak.</summary>
    public string? Request { get; init; } = """{"type":"mse","value":"avc1.640029,avc1.4D401F,avc1.42E01E,mp4a.40.2,opus"}""";
}
