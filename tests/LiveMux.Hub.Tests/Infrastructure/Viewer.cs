using System.Buffers.Binary;
using LiveMux.Media.Mp4.Reading;

namespace LiveMux.Hub.Tests.Infrastructure;

/// <summary>What a viewer received, one entry per message, for comparing whole sequences.</summary>
/// <remarks>Audio fragments of an A/V stream (track_ID 2) render as "A{id}"; an init with audio as "init:WxH+audio".</remarks>
internal sealed record Received(FragmentKind? Kind, int FrameId, bool IsKeyframe, StreamFormat? Format, StreamEvent? Event, ulong Tfdt, uint TrackId = 1, int Cto = 0)
{
    public override string ToString() => Event is { } e
        ? $"status:{e.State.ToString().ToLowerInvariant()}"
        : Kind == FragmentKind.Init
            ? $"init:{(Format!.Video is { } v ? $"{v.Width}x{v.Height}" : "")}{(Format.Audio is not null ? (Format.Video is null ? "audio" : "+audio") : "")}"
            : TrackId == 2 ? $"A{FrameId}" : $"{(IsKeyframe ? "K" : "P")}{FrameId}";
}

/// <summary>Reads a subscription as an endpoint does (releasing each fragment) and records what came.</summary>
internal sealed class Viewer(Subscription subscription) : IDisposable
{
    public Subscription Subscription { get; } = subscription;

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
        ViewerItem? item;
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

    private Received? Record(ViewerItem? item)
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

        var fragment = i.Fragment!;
        try
        {
            var bytes = fragment.Memory.Span;
            return fragment.Kind == FragmentKind.Init
                ? new Received(FragmentKind.Init, -1, false, fragment.Format, null, 0)
                : new Received(FragmentKind.Media, H264Camera.FrameId(bytes), fragment.IsKeyframe, null, null, Tfdt(bytes), TrackId(bytes), Cto(bytes));
        }
        finally
        {
            fragment.Release();
        }
    }

    /// <summary>baseMediaDecodeTime of the tfdt box (version 1, 64-bit).</summary>
    public static ulong Tfdt(ReadOnlySpan<byte> fragment)
    {
        var tfdt = TrafChild(fragment, "tfdt"u8);
        return tfdt.Length < 12 || tfdt[0] != 1
            ? throw new InvalidOperationException("no version 1 tfdt")
            : BinaryPrimitives.ReadUInt64BigEndian(tfdt[4..]);
    }

    /// <summary>The first sample's composition offset in a trun v1 with data offset, duration, size, flags and offset.</summary>
    public static int Cto(ReadOnlySpan<byte> fragment)
    {
        var trun = TrafChild(fragment, "trun"u8);
        return trun.Length < 28 || trun[0] != 1 || (trun[2] & 0x08) == 0
            ? throw new InvalidOperationException("no version 1 trun with composition offsets")
            : BinaryPrimitives.ReadInt32BigEndian(trun[24..]);
    }

    /// <summary>track_ID of the tfhd box.</summary>
    public static uint TrackId(ReadOnlySpan<byte> fragment)
    {
        var tfhd = TrafChild(fragment, "tfhd"u8);
        return tfhd.Length < 8 ? throw new InvalidOperationException("no tfhd") : BinaryPrimitives.ReadUInt32BigEndian(tfhd[4..]);
    }

    /// <summary>The payload of moof/traf/<paramref name="type"/>, read with the one box reader; empty when there is none.</summary>
    private static ReadOnlySpan<byte> TrafChild(ReadOnlySpan<byte> fragment, ReadOnlySpan<byte> type) =>
        BoxCursor.TryFind(fragment, BoxCursor.FourCc("moof"u8), out var moof)
        && BoxCursor.TryFind(moof, BoxCursor.FourCc("traf"u8), out var traf)
        && BoxCursor.TryFind(traf, BoxCursor.FourCc(type), out var child)
            ? child
            : default;

    public void Dispose() => Subscription.Dispose();
}
