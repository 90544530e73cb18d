using LiveMux.Media.Rtp;

namespace LiveMux.Media.Tests.Rtp;

public sealed class RtpPacketTests
{
    // RFC 3550 5.1 / 5.3.1: every optional part of the header, in combination; payload must come out intact.
    public static TheoryData<int, int, int, bool> Layouts => new()
    {
        // csrcCount, extensionWords, paddingBytes, marker
        { 0, -1, 0, false },
        { 0, -1, 0, true },
        { 1, -1, 0, false },
        { 15, -1, 0, true },
        { 0, 0, 0, false }, // extension header with no words
        { 0, 3, 0, false },
        { 2, 1, 0, true },
        { 0, -1, 1, false },
        { 0, -1, 4, true },
        { 15, 3, 255, true },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Parses_csrc_extension_and_padding(int csrcCount, int extensionWords, int padding, bool marker)
    {
        var payload = new byte[] { 0x65, 0x88, 0x80, 0x40, 0x00 };
        var data = Build(csrcCount, extensionWords, padding, marker, 0xFFFE, 0xDEADBEEF, 0x01020304, 96, payload);

        Assert.Equal(RtpParseStatus.Ok, RtpPacket.TryParse(data, out var packet));
        Assert.Equal(marker, packet.Marker);
        Assert.Equal(96, packet.PayloadType);
        Assert.Equal(0xFFFE, packet.SequenceNumber);
        Assert.Equal(0xDEADBEEFu, packet.Timestamp);
        Assert.Equal(0x01020304u, packet.Ssrc);
        Assert.Equal(payload, packet.Payload.ToArray());
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Every_truncation_is_an_error_or_a_shorter_payload_never_an_exception(int csrcCount, int extensionWords, int padding, bool marker)
    {
        var data = Build(csrcCount, extensionWords, padding, marker, 1, 2, 3, 96, [1, 2, 3]);
        var headerLength = 12 + (4 * csrcCount) + (extensionWords >= 0 ? 4 + (4 * extensionWords) : 0);
        for (var length = 0; length < data.Length; length++)
        {
            var status = RtpPacket.TryParse(data.AsSpan(0, length), out var packet);
            if (length < headerLength)
            {
                Assert.NotEqual(RtpParseStatus.Ok, status);
            }
            else if (status == RtpParseStatus.Ok)
            {
                // Cut inside the payload or padding: the last byte is then read as a padding count or as data.
                Assert.True(packet.Payload.Length <= length - headerLength);
            }
        }
    }

    [Theory]
    [InlineData(0x00)] // version 0
    [InlineData(0x40)] // version 1
    [InlineData(0xC0)] // version 3
    public void Bad_version_is_refused(byte firstByte)
    {
        var data = Build(0, -1, 0, false, 1, 2, 3, 96, [0x41]);
        data[0] = (byte)(firstByte | (data[0] & 0x3F));
        Assert.Equal(RtpParseStatus.BadVersion, RtpPacket.TryParse(data, out _));
    }

    [Theory]
    [InlineData(0, RtpParseStatus.BadPadding)] // a padding count of zero is not allowed
    [InlineData(14, RtpParseStatus.BadPadding)] // more padding than payload + padding
    [InlineData(200, RtpParseStatus.BadPadding)] // more padding than the whole packet
    [InlineData(13, RtpParseStatus.Ok)] // everything after the header is padding
    public void Padding_count_is_checked(byte count, RtpParseStatus expected)
    {
        // 12-byte header, 12 bytes of payload, then a padding count byte (13 bytes after the header in all).
        var data = new byte[12 + 13];
        data[0] = 0xA0; // V=2, P=1
        data[^1] = count;
        Assert.Equal(expected, RtpPacket.TryParse(data, out var packet));
        if (expected == RtpParseStatus.Ok)
        {
            Assert.Equal(0, packet.Payload.Length);
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(0)]
    public void Shorter_than_the_fixed_header_is_too_short(int length) =>
        Assert.Equal(RtpParseStatus.TooShort, RtpPacket.TryParse(new byte[length], out _));

    [Fact]
    public void Extension_length_beyond_the_packet_is_too_short()
    {
        var data = Build(0, 2, 0, false, 1, 2, 3, 96, []);
        data[12 + 3] = 50; // claims 50 words
        Assert.Equal(RtpParseStatus.TooShort, RtpPacket.TryParse(data, out _));
    }

    [Fact]
    public void Csrc_count_beyond_the_packet_is_too_short()
    {
        var data = Build(0, -1, 0, false, 1, 2, 3, 96, [1, 2, 3, 4]);
        data[0] |= 0x02; // two CSRCs = 8 bytes, only 4 there
        Assert.Equal(RtpParseStatus.TooShort, RtpPacket.TryParse(data, out _));
    }

    /// <summary>Test-side RTP writer (RFC 3550 5.1): extensionWords -1 means no extension.</summary>
    internal static byte[] Build(int csrcCount, int extensionWords, int padding, bool marker, ushort sequence, uint timestamp, uint ssrc, byte payloadType, byte[] payload)
    {
        var bytes = new List<byte>
        {
            (byte)(0x80 | (padding > 0 ? 0x20 : 0) | (extensionWords >= 0 ? 0x10 : 0) | csrcCount),
            (byte)((marker ? 0x80 : 0) | payloadType),
            (byte)(sequence >> 8), (byte)sequence,
            (byte)(timestamp >> 24), (byte)(timestamp >> 16), (byte)(timestamp >> 8), (byte)timestamp,
            (byte)(ssrc >> 24), (byte)(ssrc >> 16), (byte)(ssrc >> 8), (byte)ssrc,
        };
        for (var i = 0; i < csrcCount; i++)
        {
            bytes.AddRange([0xC5, 0xC5, 0xC5, (byte)i]);
        }

        if (extensionWords >= 0)
        {
            bytes.AddRange([0xBE, 0xDE, (byte)(extensionWords >> 8), (byte)extensionWords]);
            for (var i = 0; i < extensionWords * 4; i++)
            {
                bytes.Add(0xEE);
            }
        }

        bytes.AddRange(payload);
        for (var i = 1; i < padding; i++)
        {
            bytes.Add(0);
        }

        if (padding > 0)
        {
            bytes.Add((byte)padding);
        }

        return [.. bytes];
    }
}
