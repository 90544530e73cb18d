using LiveMux.Media.Formats;
using LiveMux.Media.Rtp;
using LiveMux.Media.Sdp;
using LiveMux.Rtsp.Client;

namespace LiveMux.Hub.Sources;

/// <summary>
/// RTP of the carried tracks into the hub: each packet through its track's depacketizer, whole access units to the
/// sink as samples, sender reports for lip sync, and every packet that cannot be used counted as a drop (a bad
/// header, a payload type the track did not announce, what the depacketizer refuses). Shared by the camera
/// (<see cref="RtspSource"/>) and the publisher (<see cref="Publish.PublishSource"/>) sources.
/// </summary>
internal sealed class RtpPacketRouter(IReadOnlyList<MediaTrack> tracks, IDepacketizer[] depacketizers, ISampleSink sink) : IRtpSink
{
    public void OnRtcpPacket(int trackIndex, ReadOnlySpan<byte> data)
    {
        if ((uint)trackIndex < (uint)depacketizers.Length && RtcpSenderReport.TryFind(data, out var report))
        {
            sink.OnSenderReport(trackIndex, report);
        }
    }

    public void OnMalformedRtp(int trackIndex, RtpParseStatus status, int size)
    {
        sink.OnPacket(size);
        if ((uint)trackIndex < (uint)depacketizers.Length)
        {
            sink.OnDrop(DropReason.Malformed);
        }
    }

    public void OnRtpPacket(int trackIndex, in RtpPacket packet, int size)
    {
        sink.OnPacket(size);
        if ((uint)trackIndex >= (uint)depacketizers.Length)
        {
            return;
        }

        if (packet.PayloadType != tracks[trackIndex].PayloadType)
        {
            sink.OnDrop(DropReason.Malformed);
            return;
        }

        var depacketizer = depacketizers[trackIndex];
        switch (depacketizer.Push(packet, out var unit))
        {
            case DepacketizeStatus.AccessUnit:
                sink.OnSample(trackIndex, depacketizer.Config!, unit.ToSample());
                while (depacketizer.TryTakeNext(out unit))
                {
                    sink.OnSample(trackIndex, depacketizer.Config!, unit.ToSample());
                }

                break;
            case DepacketizeStatus.Dropped:
                sink.OnDrop(depacketizer.LastDropReason);
                break;
        }
    }
}
