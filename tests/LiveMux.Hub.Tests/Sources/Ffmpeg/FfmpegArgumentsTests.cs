using LiveMux.Hub.Sources.Ffmpeg;

namespace LiveMux.Hub.Tests.Sources.Ffmpeg;

public sealed class FfmpegArgumentsTests
{
    public static TheoryData<string, string[]> Splits => new()
    {
        { "", [] },
        { "   ", [] },
        { "-re -stream_loop -1", ["-re", "-stream_loop", "-1"] },
        { "  -re\t-stream_loop\n-1  ", ["-re", "-stream_loop", "-1"] },
        { "-headers 'Cookie: a=b; c=d'", ["-headers", "Cookie: a=b; c=d"] },
        { "-user_agent \"My \\\"cam\\\" client\"", ["-user_agent", "My \"cam\" client"] },
        { "a\\ b", ["a b"] },
        { "'$HOME' \"`id`\" $(id) ; rm -rf /", ["$HOME", "`id`", "$(id)", ";", "rm", "-rf", "/"] },
        { "x''y \"\"", ["xy", ""] },
        { "-rtsp_transport tcp -timeout 5000000", ["-rtsp_transport", "tcp", "-timeout", "5000000"] },
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public void Input_options_split_like_shell_words_without_expansion(string text, string[] expected)
    {
        Assert.True(FfmpegArguments.TryTokenize(text, out var tokens, out var error), error);
        Assert.Equal(expected, tokens);
    }

    [Theory]
    [InlineData("-headers 'unterminated", "unterminated ' quote")]
    [InlineData("-a \"unterminated", "unterminated \" quote")]
    public void Broken_quotes_are_refused(string text, string expected)
    {
        Assert.False(FfmpegArguments.TryTokenize(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Too_many_options_are_refused()
    {
        Assert.False(FfmpegArguments.TryTokenize(string.Join(' ', Enumerable.Repeat("-re", 65)), out _, out var error));
        Assert.Contains("more than 64", error);
        Assert.True(FfmpegArguments.TryTokenize(string.Join(' ', Enumerable.Repeat("-re", 64)), out var tokens, out _));
        Assert.Equal(64, tokens.Count);
    }

    public static TheoryData<FfmpegVideo, FfmpegAudio, string, string> Codecs => new()
    {
        { FfmpegVideo.Copy, FfmpegAudio.Copy, "-c:v copy", "-c:a copy" },
        { FfmpegVideo.H264, FfmpegAudio.Copy, "-c:v libx264 -preset ultrafast -tune zerolatency -pix_fmt yuv420p -force_key_frames expr:gte(t,n_forced*1) -bf 0", "-c:a copy" },
        { FfmpegVideo.Copy, FfmpegAudio.Aac, "-c:v copy", "-c:a aac -b:a 128k" },
        { FfmpegVideo.Copy, FfmpegAudio.Opus, "-c:v copy", "-c:a libopus -b:a 96k -ar 48000" },
        { FfmpegVideo.H264, FfmpegAudio.None, "-c:v libx264", "-an" },
    };

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Arguments_carry_the_codec_choice_and_the_fragmented_output(FfmpegVideo video, FfmpegAudio audio, string videoArgs, string audioArgs)
    {
        var input = "/media/a clip; rm -rf ~.mp4";
        var args = FfmpegArguments.Build(new FfmpegOptions { Input = input, Video = video, Audio = audio }, ["-re", "-stream_loop", "-1"]);
        var line = string.Join(' ', args);

        Assert.Contains(videoArgs, line);
        Assert.Contains(audioArgs, line);
        Assert.Equal(audio != FfmpegAudio.None, line.Contains("-map 0:a:0?", StringComparison.Ordinal));

        // The input is one argument right after -i, whatever it holds, and the input options come before it.
        var i = args.ToList().IndexOf("-i");
        Assert.Equal(input, args[i + 1]);
        Assert.Equal(["-re", "-stream_loop", "-1"], args.Skip(i - 3).Take(3));
        Assert.Contains("-nostdin", args);
        Assert.EndsWith("-f mp4 -movflags empty_moov+default_base_moof -frag_duration 1 -flush_packets 1 pipe:1", line);
    }

    [Fact]
    public void Stdin_input_keeps_stdin_open()
    {
        var args = FfmpegArguments.Build(new FfmpegOptions { Input = FfmpegArguments.StdinInput }, []);
        Assert.DoesNotContain("-nostdin", args);
        Assert.Equal("pipe:0", args[args.ToList().IndexOf("-i") + 1]);
    }

    [Fact]
    public void A_restricted_input_gets_the_whitelists_after_its_own_options_and_right_before_the_input()
    {
        var network = FfmpegArguments.Build(new FfmpegOptions { Input = "rtsp://cam/live", Restriction = new FfmpegRestriction() }, ["-rtsp_transport", "tcp"]);
        var i = IndexOf(network, "-i");
        Assert.Equal(["-rtsp_transport", "tcp", "-protocol_whitelist", FfmpegRestriction.NetworkProtocols, "-i", "rtsp://cam/live"], network.Skip(i - 4).Take(6));

        var file = FfmpegArguments.Build(new FfmpegOptions { Input = "clip.mp4", Restriction = new FfmpegRestriction { MediaDirectory = "/srv/media" } }, [], "file:/srv/media/clip.mp4");
        i = IndexOf(file, "-i");
        Assert.Equal(["-protocol_whitelist", "file", "-format_whitelist", FfmpegRestriction.FileFormats, "-i", "file:/srv/media/clip.mp4"], file.Skip(i - 4).Take(6));

        var configured = FfmpegArguments.Build(new FfmpegOptions { Input = "/anywhere/clip.mp4" }, ["-re"]);
        Assert.DoesNotContain("-protocol_whitelist", configured);
        Assert.DoesNotContain("-format_whitelist", configured);
    }

    private static int IndexOf(IReadOnlyList<string> args, string value) => args.Select((a, i) => (a, i)).First(p => p.a == value).i;
}
