using System.Buffers;
using System.Text;
using LiveMux.Rtsp.Protocol;
using LiveMux.Rtsp.Client;

namespace LiveMux.Rtsp.Tests.Protocol;

/// <summary>
/// What a camera can make the client hold while it waits for a response: how many of the camera's requests
/// (<see cref="ServerRequestInbox.Capacity"/>), how much of their bodies (MaxRequestBodyBytes) and how many bytes of
/// non-response traffic before PLAY (the inbox's budget). Each case is a byte stream read the way
/// <see cref="RtspConnection.ReadFramesAsync"/> reads it: frames until the handler says stop, then the held
/// requests are answered (cleared) and reading goes on.
/// </summary>
public sealed class ServerTrafficLimitTests
{
    private static readonly RtspReaderLimits s_limits = new(MaxHeaderBytes: 1024, MaxBodyBytes: 64 * 1024, MaxInterleavedFrameBytes: 1500, MaxRequestBodyBytes: 100);

    private static string Request(int cseq, int body = 0) =>
        $"GET_PARAMETER rtsp://client/ RTSP/1.0\r\nCSeq: {cseq}\r\nContent-Length: {body}\r\n\r\n" + new string('b', body);

    private static string Requests(int count, int body = 0) => string.Concat(Enumerable.Range(100, count).Select(c => Request(c, body)));

    private static string Interleaved(int count, int payload) =>
        string.Concat(Enumerable.Repeat("$\0" + (char)(payload >> 8) + (char)(payload & 0xFF) + new string('r', payload), count));

    private static string Response(int cseq, string body = "") => $"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nContent-Length: {body.Length}\r\n\r\n{body}";

    /// <summary>(name, bytes before the awaited response CSeq 1, budget, expected outcome)</summary>
    public static TheoryData<string, string, long, string> Cases => new()
    {
        // Requests are answered in batches of at most Capacity (4): the held count never grows past it.
        { "3 requests", Requests(3), 1 << 20, "answered 3 | response" },
        { "4 requests", Requests(4), 1 << 20, "answered 4 | response" },
        { "10 requests", Requests(10), 1 << 20, "answered 4,4,2 | response" },
        { "1000 requests", Requests(1000), 1 << 20, "answered 4x250 | response" },

        // Bodies: kept up to MaxRequestBodyBytes (100), read past and dropped above it.
        { "body at the limit is kept", Requests(1, 100), 1 << 20, "answered 1 kept=100 | response" },
        { "body over the limit is dropped", Requests(1, 101), 1 << 20, "answered 1 dropped=101 | response" },
        { "large bodies are dropped", Requests(6, 60_000), 1 << 20, "answered 4,2 dropped=60000 | response" },

        // The pre-PLAY budget counts requests (with their bodies, kept or not), interleaved data and stray responses.
        { "requests within the budget", Requests(20), 20 * Request(100).Length, "answered 4x5 | response" },
        { "requests over the budget", Requests(21), 20 * Request(100).Length, "LimitExceeded after answered 4x5" },
        { "dropped bodies still count", Requests(2, 60_000), 100_000, "LimitExceeded after " },
        { "interleaved data within the budget", Interleaved(10, 996), 10_000, "dropped 10 | response" },
        { "interleaved data over the budget", Interleaved(11, 996), 10_000, "LimitExceeded after dropped 10" },
        { "stray responses count", Response(7, new string('s', 5000)) + Response(8, new string('s', 5000)), 10_000, "LimitExceeded after " },
        { "the awaited response itself does not", "", 10, "response" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_camera_cannot_make_the_client_hold_more_than_the_limits(string name, string before, long budget, string expected)
    {
        var bytes = Encoding.Latin1.GetBytes(before + Response(1, new string('d', 2000)));
        var buffer = new ReadOnlySequence<byte>(bytes);
        var inbox = new ServerRequestInbox(budget);
        var waiter = new ResponseWaiter(1, inbox);
        var batches = new List<int>();
        var bodies = new List<string>();
        string outcome;
        try
        {
            while (waiter.Response is null)
            {
                Assert.True(RtspMessageReader.TryRead(ref buffer, s_limits, out var frame), $"{name}: stream ended before the response");
                if (!waiter.OnFrame(frame) || inbox.Held.Count == 0)
                {
                    continue;
                }

                // Stopped with requests held: what the loop answers now.
                Assert.InRange(inbox.Held.Count, 1, ServerRequestInbox.Capacity);
                batches.Add(inbox.Held.Count);
                bodies.AddRange(inbox.Held.Where(r => r.BodyLength > 0).Select(r => r.BodyDiscarded ? $"dropped={r.BodyLength}" : $"kept={r.Body.Length}"));
                inbox.Clear();
            }

            // Requests still held when the response came are answered too.
            if (inbox.Held.Count > 0)
            {
                batches.Add(inbox.Held.Count);
                bodies.AddRange(inbox.Held.Where(r => r.BodyLength > 0).Select(r => r.BodyDiscarded ? $"dropped={r.BodyLength}" : $"kept={r.Body.Length}"));
            }

            outcome = Describe(batches, bodies, waiter) + "response";
            Assert.Equal(2000, waiter.Response.Body.Length);
        }
        catch (RtspException e)
        {
            Assert.Equal(RtspErrorKind.LimitExceeded, e.Kind);
            Assert.Contains("before answering PLAY", e.Message, StringComparison.Ordinal);
            outcome = "LimitExceeded after " + Describe(batches, [], waiter).TrimEnd(' ', '|');
        }

        Assert.Equal(expected, outcome);
    }

    [Fact]
    public void After_play_only_the_count_is_bounded()
    {
        var inbox = new ServerRequestInbox(prePlayBudget: 10);
        inbox.StartPlaying();
        var buffer = new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(Requests(8, 50) + Interleaved(5, 1000)));
        var waiter = new ResponseWaiter(1, inbox);
        var stops = 0;
        while (RtspMessageReader.TryRead(ref buffer, s_limits, out var frame))
        {
            if (waiter.OnFrame(frame))
            {
                stops++;
                Assert.Equal(ServerRequestInbox.Capacity, inbox.Held.Count);
                inbox.Clear();
            }
        }

        Assert.Equal(2, stops);
        Assert.Equal(0, inbox.Spent);
    }

    [Fact]
    public void A_handler_that_reads_past_a_full_inbox_is_refused()
    {
        var inbox = new ServerRequestInbox(1 << 20);
        var buffer = new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(Requests(5)));
        for (var i = 0; i < ServerRequestInbox.Capacity; i++)
        {
            Assert.True(RtspMessageReader.TryRead(ref buffer, s_limits, out var frame));
            Assert.Equal(i == ServerRequestInbox.Capacity - 1, inbox.Hold(frame));
        }

        Assert.True(RtspMessageReader.TryRead(ref buffer, s_limits, out var fifth));
        var e = Assert.Throws<RtspException>(() => inbox.Hold(fifth));
        Assert.Equal(RtspErrorKind.LimitExceeded, e.Kind);
        Assert.Equal(ServerRequestInbox.Capacity, inbox.Held.Count);
    }

    private static string Describe(List<int> batches, List<string> bodies, ResponseWaiter waiter)
    {
        var parts = new List<string>();
        if (batches.Count > 0)
        {
            var same = batches.Count > 2 && batches.All(b => b == batches[0]);
            parts.Add("answered " + (same ? $"{batches[0]}x{batches.Count}" : string.Join(',', batches)));
        }

        if (bodies.Distinct().ToList() is { Count: > 0 } distinct)
        {
            parts[^1] += " " + string.Join(' ', distinct);
        }

        if (waiter.DroppedFrames > 0)
        {
            parts.Add($"dropped {waiter.DroppedFrames}");
        }

        return parts.Count == 0 ? "" : string.Join(' ', parts) + " | ";
    }
}
