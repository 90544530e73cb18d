using System.Net;
using LiveMux.Media.Formats;
using LiveMux.Media.Rtp;
using LiveMux.Media.Sdp;
using LiveMux.Rtsp.Client;
using LiveMux.Rtsp.Server;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveMux.Rtsp.Tests.Server;

/// <summary>
/// A server-side round trip for formats other than the demo's H.264: access units -> <see cref="RtpEgress"/> ->
/// <see cref="ServerStream"/> -> RtspServer -> LiveMux's <see cref="RtspClient"/> -> the depacketizer of the format
/// read back from the served SDP -> the same access units (bytes, relative timestamps, keyframe flags).
/// </summary>
public sealed class RtpEgressRoundTripTests
{
    // Track names of the mount -> every unit of every track comes back as it went in.
    [Theory]
    [InlineData("h265")]
    [InlineData("pcmu")]
    [InlineData("aac")]
    [InlineData("h265,pcma")]
    public async Task Units_served_come_back_through_RtspClient_and_the_formats_depacketizer(string tracks)
    {
        var sources = new List<(MediaFormat Format, IReadOnlyList<EgressUnit> Units)>();
        foreach (var name in tracks.Split(','))
        {
            sources.Add(name switch
            {
                "h265" => ((await EncodedH265Clip.Instance).Format, (await EncodedH265Clip.Instance).Units),
                "pcmu" => (new G711Format(0, aLaw: false), AudioUnits(40, 160, [160])),
                "pcma" => (new G711Format(8, aLaw: true), AudioUnits(40, 160, [160])),
                "aac" => (Aac(), AudioUnits(30, 1024, [200, 371, 15, 1500, 800])), // 1500: fragmented (RFC 3640 3.2.3)
                _ => throw new ArgumentException(name),
            });
        }

        // The queue holds everything: this is about the bytes, not the live policy.
        await using var server = new RtspServer(new RtspServerOptions { QueueFrames = 1000 }, NullLogger<RtspServer>.Instance, TimeProvider.System);
        var egresses = sources.Select(s => new RtpEgress(s.Format)).ToArray();
        var stream = new ServerStream([.. egresses.Select(e => e.Track)]);
        server.Mount("mount", stream);
        server.Start(new IPEndPoint(IPAddress.Loopback, 0));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.True(RtspUrl.TryParse($"rtsp://127.0.0.1:{server.LocalEndPoint.Port}/mount", out var url, out var error), error);
        var client = new RtspClient(new RtspClientOptions(), NullLogger.Instance, TimeProvider.System);
        var session = await client.PlayAsync(url, _ => true, timeout.Token);
        await using (session)
        {
            // What the client read from the SDP makes the same formats, parameter sets included.
            var formats = session.Tracks.Select(t => MediaFormat.FromTrack(t, out var why) ?? throw new InvalidOperationException(why)).ToArray();
            Assert.Equal(sources.Select(s => s.Format.SdpAttributes(s.Format.PayloadType)), formats.Select(f => f.SdpAttributes(f.PayloadType)));
            using var sink = new Sink(formats, sources.Select(s => s.Units.Count).ToArray());
            using var run = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var playing = session.RunAsync(sink, run.Token);

            // Publish once the session has subscribed (after PLAY's answer), in time order across the tracks.
            while (stream.SubscriberCount == 0)
            {
                await Task.Delay(10, timeout.Token);
            }

            var order = sources.SelectMany((s, track) => s.Units.Select(u => (Track: track, Unit: u)))
                .OrderBy(x => (double)x.Unit.Timestamp / sources[x.Track].Format.ClockRate).ThenBy(x => x.Track);
            foreach (var (track, unit) in order)
            {
                stream.WriteFrame(track, egresses[track].Packetize(unit.Data, unit.Timestamp, unit.IsKeyframe));
            }

            await sink.Done.Task.WaitAsync(timeout.Token);
            await run.CancelAsync();
            await playing;

            for (var track = 0; track < sources.Count; track++)
            {
                var sent = sources[track].Units;
                var received = sink.Units[track];
                Assert.Equal(sent.Count, received.Count);
                for (var i = 0; i < sent.Count; i++)
                {
                    Assert.Equal(sent[i].Data, received[i].Data);
                    Assert.Equal(sent[i].Timestamp - sent[0].Timestamp, received[i].Timestamp - received[0].Timestamp);
                    Assert.Equal(sent[i].IsKeyframe, received[i].IsKeyframe);
                }

                Assert.Empty(sink.Drops[track]);
            }
        }
    }

    private static MediaFormat Aac() => MediaFormat.FromTrack(new MediaTrack
    {
        MediaType = "audio", PayloadType = 97, EncodingName = "MPEG4-GENERIC", ClockRate = 48000, Channels = 2,
        FormatParameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["streamtype"] = "5", ["mode"] = "AAC-hbr", ["config"] = "1190", ["sizelength"] = "13", ["indexlength"] = "3", ["indexdeltalength"] = "3",
        },
    }, out var why) ?? throw new InvalidOperationException(why);

    /// <summary><paramref name="count"/> units cycling through <paramref name="sizes"/>, <paramref name="ticks"/> apart.</summary>
    private static List<EgressUnit> AudioUnits(int count, int ticks, int[] sizes)
    {
        var units = new List<EgressUnit>();
        for (var i = 0; i < count; i++)
        {
            var data = new byte[sizes[i % sizes.Length]];
            new Random(i).NextBytes(data);
            units.Add(new EgressUnit(data, (long)i * ticks, IsKeyframe: true));
        }

        return units;
    }

    /// <summary>Depacketizes what the client receives, per track, until every track has its units.</summary>
    private sealed class Sink : IRtpSink, IDisposable
    {
        private readonly IDepacketizer[] _depacketizers;
        private readonly int[] _expected;

        public Sink(MediaFormat[] formats, int[] expected)
        {
            _depacketizers = [.. formats.Select(f => f.CreateDepacketizer())];
            _expected = expected;
            Units = [.. formats.Select(_ => new List<EgressUnit>())];
            Drops = [.. formats.Select(_ => new List<DropReason>())];
        }

        public List<EgressUnit>[] Units { get; }

        public List<DropReason>[] Drops { get; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnRtcpPacket(int trackIndex, ReadOnlySpan<byte> packet)
        {
        }

        public void Dispose()
        {
            foreach (var depacketizer in _depacketizers)
            {
                depacketizer.Dispose();
            }
        }

        public void OnMalformedRtp(int trackIndex, RtpParseStatus status, int size) =>
            Assert.Fail($"track {trackIndex}: a malformed RTP packet of {size} bytes ({status})");

        public void OnRtpPacket(int trackIndex, in RtpPacket parsed, int size)
        {
            var depacketizer = _depacketizers[trackIndex];
            var status = depacketizer.Push(parsed, out var unit);
            if (status == DepacketizeStatus.Dropped)
            {
                Drops[trackIndex].Add(depacketizer.LastDropReason);
            }

            if (status == DepacketizeStatus.AccessUnit)
            {
                do
                {
                    using (unit)
                    {
                        Units[trackIndex].Add(new EgressUnit(unit.Data.ToArray(), unit.Timestamp, unit.IsKeyframe));
                    }
                }
                while (depacketizer.TryTakeNext(out unit));
            }

            if (Units.Select(u => u.Count).SequenceEqual(_expected))
            {
                Done.TrySetResult();
            }
        }
    }
}
