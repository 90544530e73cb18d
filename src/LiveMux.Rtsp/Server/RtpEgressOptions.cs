using LiveMux.Media.Rtp;

namespace LiveMux.Rtsp.Server;

/// <summary>How an <see cref="RtpEgress"/> announces and packetizes its track.</summary>
public sealed record RtpEgressOptions
{
    /// <summary>The payload type to announce and send; null takes the format's.</summary>
    public int? PayloadType { get; init; }

    /// <summary>Largest RTP payload, header excluded (the packetizer's budget).</summary>
    public int MaxPayloadSize { get; init; } = 1200;

    /// <summary>Further a= lines for the track's SDP section, after the format's (without "a="), e.g. "framerate:30".</summary>
    public IReadOnlyList<string> SdpAttributes { get; init; } = [];

    /// <summary>Added to each unit's timestamp; null picks a random one, as RFC 3550 5.1 wants.</summary>
    public uint? InitialTimestamp { get; init; }

    /// <summary>Returns one message per invalid option; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (PayloadType is < 0 or > 127)
        {
            errors.Add($"PayloadType must be 0-127, not {PayloadType}.");
        }

        // A whole RTP packet travels in one interleaved frame, whose length field is 16 bits.
        if (MaxPayloadSize is < RtpPacketizerOptions.MinMaxPayloadSize or > ushort.MaxValue - RtpPacketizer.HeaderSize)
        {
            errors.Add($"MaxPayloadSize must be {RtpPacketizerOptions.MinMaxPayloadSize}-{ushort.MaxValue - RtpPacketizer.HeaderSize}, not {MaxPayloadSize}.");
        }

        if (SdpAttributes is null)
        {
            errors.Add("SdpAttributes must not be null.");
        }

        return errors;
    }
}
