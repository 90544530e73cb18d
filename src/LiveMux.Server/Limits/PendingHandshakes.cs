using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace LiveMux.Server.Limits;

/// <summary>
/// WebSockets accepted but still waiting for their codec list, counted per client address. An IPv6 client
/// usually holds a whole /64, so IPv6 addresses count by their /64.
/// </summary>
internal sealed class PendingHandshakes(IOptions<LiveMuxOptions> options)
{
    private readonly CountedSlots<IPAddress> _slots = new(options.Value.Limits.MaxPendingHandshakesPerAddress);

    public int Max => _slots.Max;

    /// <summary>A pending slot for <paramref name="address"/> (null: no address, as in-process), or null when it has none left.</summary>
    public Lease? TryTake(IPAddress? address) => _slots.TryTake(Key(address));

    public int Held(IPAddress? address) => _slots.Held(Key(address));

    public static IPAddress Key(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }
}
