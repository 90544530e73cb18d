using System.Text;
using LiveMux.Hub.Sources.Demo;
using LiveMux.Media.Rtp;
using LiveMux.Media.Sdp;
using LiveMux.Rtsp.Server;

namespace LiveMux.Hub.Tests.Infrastructure;

/// <summary>
/// An RTSP publisher as the server hands it to a publish target: the SDP it announces is the one the project's own
/// RTSP egress writes for the demo clip (real x264 output), and its RTP comes from the production H.264
/// packetizer, so the publish path sees what ffmpeg's <c>-f rtsp</c> sends.
/// </summary>
internal sealed class TestPublisher
{
    private readonly RtpPacketizer _packetizer;
    private readonly uint _timestampBase;

    /// <param name="timestampBase">the first frame's RTP timestamp (a new publisher starts anywhere)</param>
    public TestPublisher(string remote = "192.0.2.50:40000", uint timestampBase = 1_000_000, ushort firstSequence = 100)
    {
        Remote = remote;
        _timestampBase = timestampBase;
        var format = DemoClip.Instance.Format(payloadType: 96);
        _packetizer = format.CreatePacketizer(new RtpPacketizerOptions { PayloadType = 96, Ssrc = 0x5150, InitialSequenceNumber = firstSequence });
        var sdp = SessionDescriptionWriter.Write("publisher", 1, "192.0.2.50", [format.SdpSection(96)]);
        Tracks = SessionDescription.TryParse(Encoding.UTF8.GetBytes(sdp), out var parsed, out var error)
            ? parsed.Tracks
            : throw new InvalidOperationException("the test SDP does not parse: " + error);
    }

    public string Remote { get; }

    public IReadOnlyList<MediaTrack> Tracks { get; }

    /// <summary>Why the target disconnected this publisher, in order.</summary>
    public List<string> Disconnects { get; } = [];

    public IRtspPublishSession? Session { get; private set; }

    /// <summary>The demo clip's frames that start a GOP.</summary>
    public static IReadOnlyList<int> Idrs { get; } = [.. DemoClip.AccessUnits.Select((u, i) => (u, i)).Where(x => x.u.IsIdr).Select(x => x.i)];

    /// <summary>ANNOUNCE: the session, or null and the refusal.</summary>
    public IRtspPublishSession? Announce(IRtspPublishTarget target, out string? refusal)
    {
        Session = target.TryBegin(Tracks, new RtspPublisherInfo(Remote), reason =>
        {
            lock (Disconnects)
            {
                Disconnects.Add(reason);
            }
        }, out refusal);
        return Session;
    }

    /// <summary>ANNOUNCE and RECORD, asserting it is taken.</summary>
    public IRtspPublishSession Record(IRtspPublishTarget target, string transport = "tcp")
    {
        var session = Announce(target, out var refusal) ?? throw new InvalidOperationException("refused: " + refusal);
        session.OnRecord(transport);
        return session;
    }

    /// <summary>The RTP packets of the clip's frame <paramref name="frame"/>, sent as frame number <paramref name="slot"/> of this publisher (30 fps).</summary>
    public List<byte[]> Packets(int frame, int slot)
    {
        var packets = new List<byte[]>();
        var unit = DemoClip.AccessUnits[frame % DemoClip.AccessUnits.Count];
        var status = _packetizer.Packetize(unit.Data.Span, _timestampBase + ((long)slot * DemoClip.TicksPerFrame), static (p, list) => list.Add(p.ToArray()), packets);
        return status == PacketizeStatus.Done ? packets : throw new InvalidOperationException($"frame {frame}: {status}");
    }

    /// <summary>Sends frames <paramref name="first"/>.. of the clip, in order, as slots <paramref name="firstSlot"/>...</summary>
    public void Send(int first, int count, int firstSlot = 0)
    {
        for (var i = 0; i < count; i++)
        {
            foreach (var packet in Packets(first + i, firstSlot + i))
            {
                Session!.OnRtp(0, packet);
            }
        }
    }
}
