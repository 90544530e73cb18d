namespace LiveMux.Tests;

/// <summary>
/// The H.264 NAL unit types one RTP packet starts or carries (RFC 6184 5.6-5.8), read independently of the
/// packetizer under test: a single NAL unit packet its type, a STAP-A the type of each aggregated unit, an FU-A
/// with the S bit its unit's type, and a later fragment none.
/// </summary>
internal static class Rfc6184NalTypes
{
    public static IEnumerable<int> Of(byte[] packet, int headerLength = 12)
    {
        var payload = packet.AsSpan(headerLength);
        var type = payload[0] & 0x1F;
        var types = new List<int>();
        switch (type)
        {
            case 24:
                for (var at = 1; at + 2 < payload.Length; at += 2 + ((payload[at] << 8) | payload[at + 1]))
                {
                    types.Add(payload[at + 2] & 0x1F);
                }

                break;
            case 28:
                if ((payload[1] & 0x80) != 0)
                {
                    types.Add(payload[1] & 0x1F);
                }

                break;
            default:
                types.Add(type);
                break;
        }

        return types;
    }
}
