using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LiveMux.Server;

/// <summary>
/// Keeps the kernel from queueing seconds of video for a viewer who cannot take it. Linux grows a socket's send
/// buffer up to tcp_wmem's maximum (4 MB by default): at 4 Mbit/s that is 8 s of frames parked below the hub
/// before the viewer's queue feels any backpressure and starts skipping to keyframes, at 300 kbit/s nearly two
/// minutes, and the player can do nothing about frames it has not been sent. TCP_NOTSENT_LOWAT (Linux 3.12)
/// bounds only the bytes not yet handed to the network, so a long, fast path still keeps its whole window in
/// flight, and a viewer who keeps up never notices it.
/// </summary>
internal static class UnsentBytesLimit
{
    /// <summary>About a quarter second of a 4 Mbit/s stream, and more than a keyframe of most cameras.</summary>
    public const int Bytes = 128 * 1024;

    // linux/in.h and linux/tcp.h: IPPROTO_TCP, TCP_NOTSENT_LOWAT.
    private const int IpProtoTcp = 6;
    private const int TcpNotSentLowat = 25;

    public static void Apply(KestrelServerOptions kestrel) =>
        kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => connection =>
        {
            if (OperatingSystem.IsLinux() && connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
            {
                Span<byte> value = stackalloc byte[sizeof(int)];
                BitConverter.TryWriteBytes(value, Bytes);
                try
                {
                    socket.SetRawSocketOption(IpProtoTcp, TcpNotSentLowat, value);
                }
                catch (SocketException)
                {
                    // A kernel without it: the default send buffer, as before.
                }
            }

            return next(connection);
        }));
}
