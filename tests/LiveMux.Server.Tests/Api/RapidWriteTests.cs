using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LiveMux.Server.Api;
using LiveMux.Server.Tests.Endpoints;
using Microsoft.Extensions.DependencyInjection;

namespace LiveMux.Server.Tests.Api;

/// <summary>
/// Many API writes in a row on a real streams file, whose watcher reloads it while the next write is on its way:
/// every one is answered with what it did, and none is undone by a late reload of an older file. The watcher sees
/// that the file holds what the API wrote and does not read it into configuration again.
/// </summary>
public sealed class RapidWriteTests : IDisposable
{
    private const int Count = 400;
    private readonly LiveMuxFactory _factory = new();
    private readonly HttpClient _client;
    private readonly int _reloadsAtStart;

    public RapidWriteTests()
    {
        _client = _factory.CreateClient();
        _reloadsAtStart = Reconciler.FileReloads;
    }

    private StreamReconciler Reconciler => _factory.Services.GetRequiredService<StreamReconciler>();

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task Four_hundred_posts_in_sequence_are_each_created_and_kept()
    {
        var failures = new List<string>();
        for (var i = 0; i < Count; i++)
        {
            var (status, body) = await PostAsync($"seq{i}", i);
            if (status != HttpStatusCode.Created)
            {
                failures.Add($"seq{i}: {(int)status} {body}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        await AssertAllListedAsync("seq");
    }

    [Fact]
    public async Task Four_hundred_posts_in_parallel_are_each_created_and_kept()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, Count).Select(async i => (Name: $"par{i}", Result: await PostAsync($"par{i}", i))));
        var failures = results.Where(r => r.Result.Status != HttpStatusCode.Created).Select(r => $"{r.Name}: {(int)r.Result.Status} {r.Result.Body}").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        await AssertAllListedAsync("par");
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string name, int i)
    {
        using var response = await _client.PostAsJsonAsync("/api/streams", new { name, url = $"rtsp://192.0.2.{1 + (i % 250)}/live{i}" });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Each stream is in the hub and in the file, and stays there once the watcher has caught up.</summary>
    private async Task AssertAllListedAsync(string prefix)
    {
        var expected = Enumerable.Range(0, Count).Select(i => $"{prefix}{i}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, await ListedAsync(prefix));

        // The watcher's reload of the last writes comes about 100 ms after them: one more write, then a second,
        // and the streams must all still be there.
        using var marker = await _client.PostAsJsonAsync("/api/streams", new { name = prefix + "-last", url = "rtsp://192.0.2.1/last" });
        Assert.Equal(HttpStatusCode.Created, marker.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(expected, await ListedAsync(prefix));

        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(_factory.StreamsFile));
        var stored = file.RootElement.GetProperty("LiveMux").GetProperty("Streams").EnumerateObject().Select(p => p.Name)
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n != prefix + "-last").Order(StringComparer.Ordinal);
        Assert.Equal(expected, stored);
        Assert.Equal(_reloadsAtStart, Reconciler.FileReloads);
    }

    private async Task<List<string>> ListedAsync(string prefix)
    {
        using var doc = JsonDocument.Parse(await _client.GetStringAsync(new Uri("/api/streams", UriKind.Relative)));
        return [.. doc.RootElement.GetProperty("streams").EnumerateArray().Select(e => e.GetProperty("name").GetString()!)
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n != prefix + "-last").Order(StringComparer.Ordinal)];
    }
}
