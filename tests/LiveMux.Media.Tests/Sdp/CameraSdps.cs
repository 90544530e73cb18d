namespace LiveMux.Media.Tests.Sdp;

/// <summary>Camera-style SDPs written after the shape of what these vendors' firmware sends.</summary>
internal static class CameraSdps
{
    public const string HikvisionLike =
        "v=0\r\n" +
        "o=- 1700000000000000 1700000000000000 IN IP4 192.168.1.64\r\n" +
        "s=Media Presentation\r\n" +
        "e=NONE\r\n" +
        "b=AS:5100\r\n" +
        "t=0 0\r\n" +
        "a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/?transportmode=unicast\r\n" +
        "m=video 0 RTP/AVP 96\r\n" +
        "c=IN IP4 0.0.0.0\r\n" +
        "b=AS:5000\r\n" +
        "a=recvonly\r\n" +
        "a=x-dimensions:1920,1080\r\n" +
        "a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast\r\n" +
        "a=rtpmap:96 H264/90000\r\n" +
        "a=fmtp:96 profile-level-id=420029; packetization-mode=1; sprop-parameter-sets=Z00AKpWoHgCJ+WbgICAoAAADAAgAAAMBlCA=,aO48gA==\r\n" +
        "m=audio 0 RTP/AVP 8\r\n" +
        "c=IN IP4 0.0.0.0\r\n" +
        "b=AS:50\r\n" +
        "a=recvonly\r\n" +
        "a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=2?transportmode=unicast\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=Media_header:MEDIAINFO=494D4B48010200000400000111710110401F000000FA000000000000000000000000000000000000;\r\n" +
        "a=appversion:1.0\r\n";

    // LF-only line endings and trailing blanks, as seen from some NVR firmwares.
    public const string DahuaLike =
        "v=0\n" +
        "o=- 2251938195 2251938195 IN IP4 0.0.0.0\n" +
        "s=Media Server\n" +
        "c=IN IP4 0.0.0.0\n" +
        "t=0 0\n" +
        "a=control:* \n" +
        "a=packetization-supported:DH\n" +
        "a=rtppayload-supported:DH\n" +
        "a=range:npt=now-\n" +
        "m=video 0 RTP/AVP 98\n" +
        "a=control:trackID=0\n" +
        "a=framerate:25.000000\n" +
        "a=rtpmap:98 H265/90000\n" +
        "a=fmtp:98 profile-id=1;sprop-sps=QgEBAWAAAAMAsAAAAwAAAwCWoAPAgBDlja5JMvTcBAQEAg==;sprop-pps=RAHA8vA8kA==;sprop-vps=QAEMAf//AWAAAAMAsAAAAwAAAwCWlwJA\n" +
        "a=recvonly\n" +
        "m=audio 0 RTP/AVP 97\n" +
        "a=control:trackID=1\n" +
        "a=rtpmap:97 MPEG4-GENERIC/16000/1\n" +
        "a=fmtp:97 streamtype=5;profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;config=1408\n" +
        "a=recvonly\n";

    public const string AxisLike =
        "v=0\r\n" +
        "o=- 12796591853373389478 1 IN IP4 192.168.0.90\r\n" +
        "s=Session streamed with GStreamer\r\n" +
        "i=rtsp-server\r\n" +
        "t=0 0\r\n" +
        "a=tool:GStreamer\r\n" +
        "a=type:broadcast\r\n" +
        "a=range:npt=now-\r\n" +
        "a=control:rtsp://192.168.0.90/axis-media/media.amp?videocodec=h264\r\n" +
        "m=video 0 RTP/AVP 96\r\n" +
        "c=IN IP4 0.0.0.0\r\n" +
        "b=AS:50000\r\n" +
        "a=rtpmap:96 H264/90000\r\n" +
        "a=fmtp:96 packetization-mode=1;profile-level-id=4d0029;sprop-parameter-sets=Z00AKeKQDwBE/LgLcBAQGkHiRFQ=,aO48gA==\r\n" +
        "a=control:rtsp://192.168.0.90/axis-media/media.amp/stream=0?videocodec=h264\r\n" +
        "a=framerate:30.000000\r\n" +
        "a=transform:1.000000,0.000000,0.000000;0.000000,1.000000,0.000000;0.000000,0.000000,1.000000\r\n" +
        "m=audio 0 RTP/AVP 0\r\n" +
        "c=IN IP4 0.0.0.0\r\n" +
        "a=control:rtsp://192.168.0.90/axis-media/media.amp/stream=1?videocodec=h264\r\n";

    public const string GStreamerRtspServer =
        "v=0\r\n" +
        "o=- 1188340656180883 1 IN IP4 127.0.0.1\r\n" +
        "s=Session streamed with GStreamer\r\n" +
        "i=rtsp-server\r\n" +
        "t=0 0\r\n" +
        "a=tool:GStreamer\r\n" +
        "a=type:broadcast\r\n" +
        "a=range:npt=now-\r\n" +
        "a=control:rtsp://127.0.0.1:8554/test\r\n" +
        "m=video 0 RTP/AVP 96\r\n" +
        "c=IN IP4 0.0.0.0\r\n" +
        "b=AS:2000\r\n" +
        "a=rtpmap:96 H264/90000\r\n" +
        "a=framerate:30\r\n" +
        "a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAFdkBQfsBEAAAAwAQAAADA8DxYuSA,aMuMsg==;profile-level-id=42c015;level-asymmetry-allowed=1\r\n" +
        "a=control:stream=0\r\n" +
        "a=ts-refclk:local\r\n" +
        "a=mediaclk:sender\r\n" +
        "m=audio 0 RTP/AVP 97\r\n" +
        "c=IN IP4 0.0.0.0\r\n" +
        "a=rtpmap:97 OPUS/48000/2\r\n" +
        "a=fmtp:97 sprop-stereo=0\r\n" +
        "a=control:stream=1\r\n";

    // Cheap cameras: no o=/s=/t=, lower-case encoding name, no session control, an extra blank line.
    public const string MinimalLowerCase =
        "v=0\n" +
        "\n" +
        "m=video 0 RTP/AVP 96\n" +
        "a=rtpmap:96 h264/90000\n" +
        "a=control:track1\n" +
        "m=video 0 RTP/AVP 26\n" +
        "a=control:track2\n" +
        "m=application 0 RTP/AVP 107\n" +
        "a=rtpmap:107 vnd.onvif.metadata/90000\n" +
        "m=application 9 TCP/BFCP *\n";
}
