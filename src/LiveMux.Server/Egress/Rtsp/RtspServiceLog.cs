namespace LiveMux.Server.Egress.Rtsp;

internal static partial class RtspServiceLog
{
    [LoggerMessage(EventId = 3430, Level = LogLevel.Information, Message = "RTSP server off (LiveMux:Rtsp:Port is 0)")]
    public static partial void Off(ILogger logger);

    [LoggerMessage(EventId = 3431, Level = LogLevel.Error, Message = "RTSP server not started: {Address} port {Port} (UDP {UdpPort}) cannot be bound ({Error}). Set LiveMux:Rtsp:Port and LiveMux:Rtsp:UdpPort to free ports (Port 0 turns the RTSP server off, UdpPort -1 serves TCP only); the rest of LiveMux runs")]
    public static partial void NotStarted(ILogger logger, string address, int port, int udpPort, string error);
}
