using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using LiveMux.Media.Formats;
using LiveMux.Rtsp.Server;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveMux.Rtsp.Tests.Server;

/// <summary>
/// An <see cref="RtspServer"/> on 127.0.0.1 with one synthetic H.264 stream mounted at "live" (and a two-track one
/// at "pair"), and a publisher that writes frames in real time when asked.
/// </summary>
internal sealed class ServerTestHost : IAsyncDisposable
{
    public static readonly byte[] Sps = [0x67, 0x4D, 0x40, 0x1E, 0x9A, 0x66, 0x0A, 0x0F];
    public static readonly byte[] Pps = [0x68, 0xEE, 0x3C, 0x80];

    private readonly CancellationTokenSource _stop = new();
    private Task _publishing = Task.CompletedTask;

    private ServerTestHost(RtspServer server, ServerStream stream, RtpEgress egress)
    {
        Server = server;
        Stream = stream;
        Egress = egress;
        server.ConnectionClosed += c => Closed.Enqueue(c);
    }

    public RtspServer Server { get; }
    public ServerStream Stream { get; }
    public RtpEgress Egress { get; }
    public ConcurrentQueue<ClosedConnection> Closed { get; } = new();

    public Uri Url => new($"rtsp://127.0.0.1:{Server.LocalEndPoint.Port}/live");

    public string Base => $"rtsp://127.0.0.1:{Server.LocalEndPoint.Port}";

    public static ServerTestHost Start(RtspServerOptions? options = null, TimeProvider? time = null, IRtspPaths? paths = null)
    {
        var server = new RtspServer(options ?? new RtspServerOptions(), NullLogger<RtspServer>.Instance, time ?? TimeProvider.System, paths);
        var egress = Video();
        var stream = new ServerStream([egress.Track]);
        server.Mount("live", stream);
        var second = Video();
        server.Mount("pair", new ServerStream([egress.Track, second.Track]));
        server.Start(new IPEndPoint(IPAddress.Loopback, 0));
        return new ServerTestHost(server, stream, egress);
    }

    /// <summary>An H.264 egress for <see cref="Sps"/> and <see cref="Pps"/> whose timestamps start at <paramref name="initialTimestamp"/>.</summary>
    public static RtpEgress Video(uint initialTimestamp = 0) =>
        new(new H264Format(96, Sps, Pps), new RtpEgressOptions { InitialTimestamp = initialTimestamp });

    /// <summary>
    /// One access unit as a depacketizer hands it out (a 4-byte length, then the NAL unit): an IDR (type 5) or a P
    /// slice (type 1) of <paramref name="bytes"/> bytes.
    /// </summary>
    public static byte[] Frame(bool idr, int bytes)
    {
        var unit = new byte[4 + bytes];
        BinaryPrimitives.WriteInt32BigEndian(unit, bytes);
        unit[4] = idr ? (byte)0x65 : (byte)0x41;
        unit.AsSpan(5).Fill(0xAB);
        return unit;
    }

    /// <summary>Writes frames at <paramref name="fps"/>, an IDR every <paramref name="gop"/>, 3000 ticks apart.</summary>
    public void StartPublishing(int fps = 30, int gop = 30, int frameBytes = 2000)
    {
        _publishing = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / fps));
            for (var frame = 0L; await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false); frame++)
            {
                var idr = frame % gop == 0;
                // The frame's wall clock, for sender reports: now, as a live source's would be.
                Stream.WriteFrame(0, Egress.Packetize(Frame(idr, frameBytes), frame * 3000, idr, LiveMux.Media.Mp4.ProducerReferenceTime.ToNtp(DateTimeOffset.UtcNow)));
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _publishing;
        }
        catch (OperationCanceledException)
        {
        }
        await Server.DisposeAsync();
        _stop.Dispose();
    }
}
