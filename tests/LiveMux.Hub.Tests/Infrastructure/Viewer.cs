using LiveMux.Hub.Distribution;
using LiveMux.Media.Formats;

namespace LiveMux.Hub.Tests.Infrastructure;

/// <summary>What an item of a sample subscription is: a format change (rendered as "init:...", the init segment an MSE viewer gets for it) or a sample.</summary>
internal enum FragmentKind
{
    Init,
    Media,
}

/// <summary>What a viewer received, one entry per message, for comparing whole sequences.</summary>
/// <remarks>Audio samples of an A/V stream (track 1, "track_ID 2") render as "A{id}"; a format with audio as "init:WxH+audio".</remarks>
internal sealed record Received(FragmentKind? Kind, int FrameId, bool IsKeyframe, StreamFormat? Format, StreamEvent? Event, ulong Tfdt, uint TrackId = 1, int Cto = 0, bool AfterGap = false)
{
    public override string ToString() => Event is { } e
        ? $"status:{e.State.ToString().ToLowerInvariant()}"
        : Kind == FragmentKind.Init
            ? $"init:{(Format!.Video is { } v ? $"{v.Width}x{v.Height}" : "")}{(Format.Audio is not null ? (Format.Video is null ? "audio" : "+audio") : "")}"
            : TrackId == 2 ? $"A{FrameId}" : $"{(IsKeyframe ? "K" : "P")}{FrameId}";
}

/// <summary>Reads a sample subscription as an egress does (releasing each sample) and records what came.</summary>
internal sealed class Viewer(Subscription<Sample> subscription) : IDisposable
{
    public Subscription<Sample> Subscription { get; } = subscription;

    public bool Ended { get; private set; }

    /// <summary>Everything queued right now, without waiting.</summary>
    public List<Received> Drain()
    {
        var items = new List<Received>();
        while (TryReadNow(out var item))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>Drains and renders as "init:320x240 K0 P1 status:live" for readable assertions.</summary>
    public string DrainText() => string.Join(" ", Drain());

    /// <summary>Waits (real time, bounded) for the next message.</summary>
    public async Task<Received?> NextAsync()
    {
        using var cts = new CancellationTokenSource(Wait.Timeout);
        var item = await Subscription.ReadAsync(cts.Token);
        return Record(item);
    }

    private bool TryReadNow(out Received received)
    {
        received = null!;
        using var cts = new CancellationTokenSource();
        var pending = Subscription.ReadAsync(cts.Token);
        Delivery<Sample>? item;
        if (pending.IsCompleted)
        {
            item = pending.Result;
        }
        else
        {
            cts.Cancel();
            try
            {
                item = pending.AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        if (Record(item) is not { } r)
        {
            return false;
        }

        received = r;
        return true;
    }

    private Received? Record(Delivery<Sample>? item)
    {
        if (item is not { } i)
        {
            Ended = true;
            return null;
        }

        if (i.Event is { } e)
        {
            return new Received(null, -1, false, null, e, 0);
        }

        if (i.Format is { } format)
        {
            return new Received(FragmentKind.Init, -1, false, format, null, 0);
        }

        var sample = i.Frame!;
        try
        {
            return new Received(FragmentKind.Media, H264Camera.FrameId(sample.Data), i.StartsGop, null, null, (ulong)sample.DecodeTime, (uint)i.Track + 1, sample.CompositionOffset, i.AfterGap);
        }
        finally
        {
            sample.Release();
        }
    }

    public void Dispose() => Subscription.Dispose();
}
