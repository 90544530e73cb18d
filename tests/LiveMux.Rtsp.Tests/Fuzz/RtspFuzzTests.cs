using CsCheck;
using LiveMux.Rtsp.Protocol;
using LiveMux.Tests.Fuzz;

namespace LiveMux.Rtsp.Tests.Fuzz;

/// <summary>
/// CsCheck properties over mutated seeds (TestData/Fuzz/&lt;target&gt;), one per target, plus the round trips through
/// our own writers. In CI each runs a fixed count from a fixed seed; bench/run-fuzz.sh runs each for a million.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class RtspFuzzTests
{
    private static readonly Gen<char> TokenChar = Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'+"];
    private static readonly Gen<char> ValueChar = Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t;=,/:\"\\-_.@é€"];

    [Fact]
    public void Message_reader_keeps_its_properties_however_the_bytes_arrive()
    {
        var seeds = RtspFuzzCorpus.All("rtsp-message");
        var outcomes = FuzzRun.Check("rtsp-message", Gen.Select(ByteMutator.Of(seeds, 1024), Gen.Int[1, 300]),
            input => RtspFuzzTargets.Message(input.Item1, input.Item2),
            input => $"chunk {input.Item2}: {ByteMutator.Hex(input.Item1)}", ciIterations: 300);
        Assert.True(outcomes.GetValueOrDefault("frames") > 0 && outcomes.GetValueOrDefault("MalformedResponse") > 0, string.Join(", ", outcomes));
    }

    [Fact]
    public void Transport_header_parser_keeps_its_properties()
    {
        var seeds = RtspFuzzCorpus.All("rtsp-transport");
        var outcomes = FuzzRun.Check("rtsp-transport", ByteMutator.Of(seeds, 128), input => RtspFuzzTargets.Transport(RtspFuzzTargets.Text(input)), ByteMutator.Hex);
        Assert.True(outcomes.GetValueOrDefault("interleaved") > 0 && outcomes.GetValueOrDefault("ports") > 0, string.Join(", ", outcomes));
    }

    [Fact]
    public void Www_authenticate_parser_keeps_its_properties()
    {
        var seeds = RtspFuzzCorpus.All("rtsp-auth");
        var outcomes = FuzzRun.Check("rtsp-auth", ByteMutator.Of(seeds, 256), input => RtspFuzzTargets.Authenticate(RtspFuzzTargets.Text(input)), ByteMutator.Hex);
        Assert.True(outcomes.GetValueOrDefault("digest") > 0 && outcomes.GetValueOrDefault("basic") > 0 && outcomes.GetValueOrDefault("none") > 0, string.Join(", ", outcomes));
    }

    [Fact]
    public void Written_requests_read_back_unchanged_however_the_bytes_arrive()
    {
        var header = Gen.Select(TokenChar.Array[1, 20], ValueChar.Array[0, 60], (n, v) => (Name: new string(n), Value: new string(v).Trim()))
            .Where(h => !h.Name.Equals("CSeq", StringComparison.OrdinalIgnoreCase) && !h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase));
        var gen = Gen.Select(Gen.Char['A', 'Z'].Array[1, 16], TokenChar.Array[1, 80], Gen.Int[0, int.MaxValue], header.Array[0, 8], Gen.Int[1, 64]);
        FuzzRun.Check("rtsp-request-roundtrip", gen, input =>
        {
            var (method, path, cseq, headers, chunk) = input;
            var uri = "rtsp://cam/" + new string(path);
            var bytes = RtspRequestWriter.Write(new string(method), uri, cseq, headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)));
            var read = RtspFuzzTargets.Read(bytes, chunk);
            Assert.Equal("more", read.End);
            var buffer = new System.Buffers.ReadOnlySequence<byte>(bytes);
            Assert.True(RtspMessageReader.TryRead(ref buffer, RtspFuzzTargets.Limits with { MaxHeaderBytes = 64 * 1024 }, out var frame));
            Assert.True(buffer.IsEmpty);
            var request = frame.Request!;
            Assert.Equal((new string(method), uri, cseq), (request.Method, request.Uri, request.CSeq));
            Assert.Empty(request.Body);
            foreach (var group in headers.GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase))
            {
                Assert.Equal(group.Select(h => h.Value), request.Headers.GetAll(group.Key));
            }

            return "equal";
        }, input => $"{new string(input.Item1)} {new string(input.Item2)} {input.Item3} [{string.Join("; ", input.Item4)}] chunk {input.Item5}", ciIterations: 200);
    }

    [Fact]
    public void Transport_requests_read_back()
    {
        FuzzRun.Check("rtsp-transport-roundtrip", Gen.Select(Gen.Int[0, 254], Gen.Int[0, 65534]), input =>
        {
            var (channel, port) = input;
            var tcp = TransportHeader.Parse(TransportHeader.Request(channel));
            Assert.Equal((true, channel, channel + 1), (tcp.IsTcp, tcp.RtpChannel, tcp.RtcpChannel));
            var udp = TransportHeader.Parse(TransportHeader.RequestUdp(port));
            Assert.Equal((false, port), (udp.IsTcp, udp.ClientRtpPort));
            return "equal";
        }, input => input.ToString(), ciIterations: 200);
    }
}
