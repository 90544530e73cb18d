using System.Globalization;
using System.Text.RegularExpressions;

namespace LiveMux.Tests;

/// <summary>
/// tests/tools/rtsp_impair_proxy.py between a client and a camera: RTP over UDP relayed with loss, reordering and
/// delay; the whole path can be cut and restored (interleaved TCP too: a cut stops reading and forwarding). It can
/// also hold every RTSP reply (a slow camera) and add garbage interleaved RTP frames. Point the client at <see cref="Url"/>.
/// </summary>
internal sealed partial class ImpairProxy : IAsyncDisposable
{
    private readonly ToolScript _script;

    private ImpairProxy(ToolScript script, int port)
    {
        _script = script;
        Port = port;
    }

    public int Port { get; }

    public string Output => _script.Output;

    /// <summary>The camera's stream through the proxy (the proxy forwards every path).</summary>
    public string Url(string path, string? user = null, string? password = null) =>
        user is null
            ? $"rtsp://127.0.0.1:{Port}{path}"
            : $"rtsp://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password!)}@127.0.0.1:{Port}{path}";

    /// <param name="lossPercent">RTP packets dropped, percent</param>
    /// <param name="reorderPercent">RTP packets sent 1-3 places late, percent</param>
    /// <param name="replyDelayMs">every RTSP reply from the camera held this long</param>
    /// <param name="garbageEvery">a garbage interleaved frame after every N-th RTP frame from the camera; 0 = none</param>
    public static async Task<ImpairProxy> StartAsync(
        int upstreamPort, double lossPercent = 0, double reorderPercent = 0, double delayMs = 0, int seed = 1,
        double replyDelayMs = 0, int garbageEvery = 0)
    {
        string[] args =
        [
            "--upstream", $"127.0.0.1:{upstreamPort.ToString(CultureInfo.InvariantCulture)}", "--port", "0",
            "--loss", lossPercent.ToString(CultureInfo.InvariantCulture), "--reorder", reorderPercent.ToString(CultureInfo.InvariantCulture),
            "--delay-ms", delayMs.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture),
            "--reply-delay-ms", replyDelayMs.ToString(CultureInfo.InvariantCulture),
            "--garbage-every", garbageEvery.ToString(CultureInfo.InvariantCulture),
        ];
        var (script, ready) = await ToolScript.StartAsync("impair proxy", RepoPaths.ImpairProxyScript, args, ReadyLine(), stdin: true);
        return new ImpairProxy(script, int.Parse(ready.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>An outage: UDP dropped, TCP no longer forwarded (nothing is closed).</summary>
    public Task CutAsync() => _script.CommandAsync("cut", "^CUT$", TimeSpan.FromSeconds(5));

    public Task RestoreAsync() => _script.CommandAsync("restore", "^RESTORED$", TimeSpan.FromSeconds(5));

    /// <summary>Closes every proxied TCP connection; returns how many it closed, once they are closed.</summary>
    public async Task<int> ResetAsync()
    {
        var line = await _script.CommandAsync("reset", @"^RESET n=\d+$", TimeSpan.FromSeconds(5));
        return int.Parse(line.AsSpan("RESET n=".Length), CultureInfo.InvariantCulture);
    }

    /// <summary>The proxy's own counters of relayed RTP.</summary>
    public async Task<(long In, long Out, long Dropped, long Reordered)> StatsAsync()
    {
        var line = await _script.CommandAsync("stats", "^STATS ", TimeSpan.FromSeconds(5));
        var m = StatsLine().Match(line);
        Assert.True(m.Success, line);
        long G(int i) => long.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture);
        return (G(1), G(2), G(3), G(4));
    }

    public ValueTask DisposeAsync() => _script.DisposeAsync();

    [GeneratedRegex(@"^READY port=(\d+)")]
    private static partial Regex ReadyLine();

    [GeneratedRegex(@"^STATS rtp_in=(\d+) rtp_out=(\d+) dropped=(\d+) reordered=(\d+)")]
    private static partial Regex StatsLine();
}
