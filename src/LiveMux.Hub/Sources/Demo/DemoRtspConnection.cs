using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Demo;

/// <summary>
/// One client connection of the demo server, holding at most one session (RTP/AVP/TCP interleaved only).
/// The read loop owns the RTSP state; the send queue's writer loop owns the socket's send side; the
/// streamer, once playing, only enqueues frames.
/// </summary>
internal sealed class DemoRtspConnection : IDisposable
{
    private const string Methods = "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER";
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly Socket _socket;
    private readonly DemoRtspServerOptions _options;
    private readonly DemoClipContent _clip;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly bool _reject;
    private readonly Action<int> _sessionDelta;
    private readonly EndPoint? _remote;
    private readonly DemoSendQueue _queue;
    private readonly CancellationTokenSource _life = new();
    private readonly CancellationTokenSource _streamStop = new();

    private string? _sessionId;
    private string? _trackUrl;
    private byte _channel;
    private uint _ssrc;
    private DemoRtpStreamer? _streamer;
    private Task _streaming = Task.CompletedTask;

    public DemoRtspConnection(
        Socket socket, DemoRtspServerOptions options, DemoClipContent clip, ILogger logger, TimeProvider time,
        bool reject, Action<int> sessionDelta)
    {
        _socket = socket;
        _options = options;
        _clip = clip;
        _logger = logger;
        _time = time;
        _reject = reject;
        _sessionDelta = sessionDelta;
        _remote = socket.RemoteEndPoint;
        _queue = new DemoSendQueue(options.SendQueueFrames);
    }

    public async Task RunAsync(CancellationToken serverStopping)
    {
        using CancellationTokenRegistration stop = serverStopping.Register(static s => ((CancellationTokenSource)s!).Cancel(), _life);
        var stream = new NetworkStream(_socket, ownsSocket: true);
        Task writing = WriteThenCloseAsync(stream);
        try
        {
            await ReadLoopAsync(stream);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            _logger.ConnectionFailed(_remote, ex);
        }
        catch (OperationCanceledException) when (_life.IsCancellationRequested)
        {
        }
        finally
        {
            await StopStreamingAsync();
            _queue.Complete();
            try
            {
                await writing.WaitAsync(DrainTimeout, _time, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                _life.Cancel();
                await writing;
            }

            await stream.DisposeAsync();
            if (_sessionId is not null)
            {
                _sessionDelta(-1);
            }

            _logger.ClientClosed(_remote, _streamer?.FramesSent ?? 0, _streamer?.FramesDropped ?? 0);
        }
    }

    /// <summary>Call once <see cref="RunAsync"/> has completed.</summary>
    public void Dispose()
    {
        _life.Dispose();
        _streamStop.Dispose();
    }

    private async Task WriteThenCloseAsync(Stream stream)
    {
        try
        {
            await _queue.RunWriterAsync(stream, _life.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _life.Cancel();
        }
    }

    private async Task ReadLoopAsync(Stream stream)
    {
        var buffer = new byte[_options.MaxRequestBytes];
        int filled = 0;
        int skip = 0; // bytes of a client interleaved frame (RTCP receiver reports) still to discard
        TimeSpan idle = _reject ? TimeSpan.FromSeconds(Math.Min(5, _options.SessionTimeout.TotalSeconds)) : _options.SessionTimeout;
        using var idleCts = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var readCts = CancellationTokenSource.CreateLinkedTokenSource(_life.Token, idleCts.Token);

        while (true)
        {
            int offset = 0;
            while (offset < filled)
            {
                if (skip > 0)
                {
                    int n = Math.Min(skip, filled - offset);
                    skip -= n;
                    offset += n;
                    continue;
                }

                if (buffer[offset] == (byte)'$')
                {
                    if (filled - offset < 4)
                    {
                        break;
                    }

                    skip = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(offset + 2));
                    offset += 4;
                    continue;
                }

                DemoRequestParse parse = DemoRtspRequest.TryParse(
                    buffer.AsSpan(offset, filled - offset), _options.MaxRequestBytes, out DemoRtspRequest? request, out int consumed);
                if (parse == DemoRequestParse.Incomplete)
                {
                    break;
                }

                if (parse != DemoRequestParse.Complete)
                {
                    _logger.BadRequest(_remote, parse.ToString());
                    _queue.TryEnqueueControl(new DemoRtspResponse(parse == DemoRequestParse.TooLarge ? 413 : 400, null)
                        .Header("Connection", "close").ToBytes());
                    return;
                }

                offset += consumed;
                if (!Handle(request!))
                {
                    return;
                }
            }

            if (offset > 0)
            {
                Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
                filled -= offset;
            }

            idleCts.CancelAfter(idle);
            int read;
            try
            {
                read = await stream.ReadAsync(buffer.AsMemory(filled), readCts.Token);
            }
            catch (OperationCanceledException) when (idleCts.IsCancellationRequested && !_life.IsCancellationRequested)
            {
                _logger.SessionTimedOut(_remote, idle);
                return;
            }

            if (read == 0)
            {
                return;
            }

            filled += read;
        }
    }

    /// <summary>Answers one request; false closes the connection once the answer is sent.</summary>
    private bool Handle(DemoRtspRequest request)
    {
        bool keepOpen = !_reject;
        bool startPlaying = false;
        DemoRtspResponse response = _reject
            ? new DemoRtspResponse(503, request.CSeq).Header("Connection", "close")
            : request.Method switch
            {
                "OPTIONS" => new DemoRtspResponse(200, request.CSeq).Header("Public", Methods),
                "DESCRIBE" => Describe(request),
                "SETUP" => Setup(request),
                "PLAY" => Play(request, out startPlaying),
                "GET_PARAMETER" => CheckSession(request) ?? WithSession(new DemoRtspResponse(200, request.CSeq)),
                "TEARDOWN" => CheckSession(request) ?? Teardown(request, out keepOpen),
                _ => new DemoRtspResponse(501, request.CSeq).Header("Public", Methods),
            };

        _logger.RequestHandled(request.Method, _remote, response.Status);
        if (!_queue.TryEnqueueControl(response.ToBytes()))
        {
            return false; // the client sends requests but reads nothing
        }

        if (startPlaying)
        {
            _logger.Playing(_sessionId!, _remote, _streamer!.Ssrc);
            _streaming = StreamThenCloseAsync(_streamer);
        }

        return keepOpen;
    }

    private DemoRtspResponse Describe(DemoRtspRequest request)
    {
        if (!IsPath(request.Uri, _options.Path))
        {
            return new DemoRtspResponse(404, request.CSeq);
        }

        string baseUrl = request.Uri.TrimEnd('/') + "/";
        ulong origin = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        return new DemoRtspResponse(200, request.CSeq)
            .Header("Content-Base", baseUrl)
            .Body("application/sdp", DemoSdp.Build(_clip, origin));
    }

    private DemoRtspResponse Setup(DemoRtspRequest request)
    {
        if (!IsPath(request.Uri, _options.Path + "/" + DemoSdp.TrackControl) && !IsPath(request.Uri, _options.Path))
        {
            return new DemoRtspResponse(404, request.CSeq);
        }

        if (request.Header("Session") is not null && CheckSession(request) is { } error)
        {
            return error;
        }

        if (_streamer is not null)
        {
            return new DemoRtspResponse(455, request.CSeq);
        }

        if (!DemoTransportHeader.TryParseTcp(request.Header("Transport"), out byte rtp, out byte rtcp))
        {
            return new DemoRtspResponse(461, request.CSeq);
        }

        if (_sessionId is null)
        {
            _sessionId = RandomNumberGenerator.GetHexString(16, lowercase: true);
            _sessionDelta(+1);
        }

        _channel = rtp;
        _trackUrl = request.Uri;
        _ssrc = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
        return WithSession(new DemoRtspResponse(200, request.CSeq).Header("Transport",
            string.Create(CultureInfo.InvariantCulture, $"RTP/AVP/TCP;unicast;interleaved={rtp}-{rtcp};ssrc={_ssrc:X8};mode=play")));
    }

    private DemoRtspResponse Play(DemoRtspRequest request, out bool start)
    {
        start = false;
        if (!IsPath(request.Uri, _options.Path) && !IsPath(request.Uri, _options.Path + "/" + DemoSdp.TrackControl))
        {
            return new DemoRtspResponse(404, request.CSeq);
        }

        if (_sessionId is null)
        {
            return new DemoRtspResponse(455, request.CSeq);
        }

        if (CheckSession(request) is { } error)
        {
            return error;
        }

        DemoRtspResponse response = WithSession(new DemoRtspResponse(200, request.CSeq)).Header("Range", "npt=0.000-");
        if (_streamer is not null)
        {
            return response; // already playing: nothing to restart
        }

        ushort sequence = (ushort)Random.Shared.Next(0, 65536);
        uint timestamp = (uint)Random.Shared.NextInt64(1, uint.MaxValue); // ffmpeg ignores an rtptime of 0
        _streamer = new DemoRtpStreamer(_clip, _queue, _options, _time, _logger, _remote, _channel, _ssrc, sequence, timestamp);
        start = true;
        return response.Header("RTP-Info", string.Create(CultureInfo.InvariantCulture, $"url={_trackUrl};seq={sequence};rtptime={timestamp}"));
    }

    private DemoRtspResponse Teardown(DemoRtspRequest request, out bool keepOpen)
    {
        keepOpen = false;
        return new DemoRtspResponse(200, request.CSeq).Header("Connection", "close");
    }

    /// <summary>454 when the request names a session this connection does not hold; null when it is fine.</summary>
    private DemoRtspResponse? CheckSession(DemoRtspRequest request)
    {
        string? header = request.Header("Session");
        if (header is null)
        {
            // GET_PARAMETER and TEARDOWN without a session are keepalives / no-ops; PLAY needs one.
            return request.Method == "PLAY" ? new DemoRtspResponse(454, request.CSeq) : null;
        }

        string id = header.Split(';')[0].Trim();
        return id == _sessionId ? null : new DemoRtspResponse(454, request.CSeq);
    }

    private DemoRtspResponse WithSession(DemoRtspResponse response)
        => _sessionId is null
            ? response
            : response.Header("Session", string.Create(CultureInfo.InvariantCulture, $"{_sessionId};timeout={(int)_options.SessionTimeout.TotalSeconds}"));

    private async Task StreamThenCloseAsync(DemoRtpStreamer streamer)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_life.Token, _streamStop.Token);
        try
        {
            await streamer.RunAsync(stop.Token);
            _life.Cancel(); // the streamer gave up on a stalled client: close the connection
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Stops only the frames, so a queued TEARDOWN answer still reaches the client.
    private async Task StopStreamingAsync()
    {
        await _streamStop.CancelAsync();
        await _streaming;
    }

    private static bool IsPath(string requestUri, string path)
    {
        string? actual = requestUri.StartsWith('/')
            ? requestUri
            : Uri.TryCreate(requestUri, UriKind.Absolute, out Uri? uri) && uri.Scheme == "rtsp" ? uri.AbsolutePath : null;
        return actual is not null && actual.TrimEnd('/') == path;
    }
}
