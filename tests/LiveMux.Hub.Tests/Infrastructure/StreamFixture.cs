using Microsoft.Extensions.Logging.Abstractions;

namespace LiveMux.Hub.Tests.Infrastructure;

/// <summary>A <see cref="LiveStream"/> over a <see cref="FakeCamera"/> and a fake clock.</summary>
internal sealed class StreamFixture : IAsyncDisposable
{
    public const uint FrameTicks = 3000;

    public StreamFixture(StreamOptions? options = null, ViewerQueueOptions? viewers = null)
    {
        Stream = new LiveStream(
            "cam",
            options ?? new StreamOptions { Url = "rtsp://camera.test/live", ReconnectInitialDelay = TimeSpan.FromSeconds(1), ReconnectMaxDelay = TimeSpan.FromSeconds(4) },
            viewers ?? new ViewerQueueOptions(),
            Camera.Create,
            Time,
            NullLogger.Instance);
    }

    public TestTime Time { get; } = new();

    public FakeCamera Camera { get; } = new();

    public H264Camera Small { get; } = new(H264Camera.Baseline320x240);

    public H264Camera Large { get; } = new(H264Camera.Main640x360);

    public LiveStream Stream { get; }

    public Viewer Join() => new(Stream.Subscribe());

    /// <summary>RTP time of frame <paramref name="id"/> in a 30 fps stream with a random-looking base.</summary>
    public static uint Ts(int id, uint baseTs = 3_000_000_000) => unchecked(baseTs + ((uint)id * FrameTicks));

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        Small.Dispose();
        Large.Dispose();
    }
}
