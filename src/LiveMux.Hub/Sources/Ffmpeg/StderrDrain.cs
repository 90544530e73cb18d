using System.Text;
using Microsoft.Extensions.Logging;

namespace LiveMux.Hub.Sources.Ffmpeg;

/// <summary>
/// Reads ffmpeg's stderr to the end, so the pipe never fills and blocks ffmpeg. Each line is cut to
/// <see cref="MaxLineChars"/>, redacted and logged, at most <see cref="LinesPerSecond"/> a second (a
/// broken input can make ffmpeg print thousands); the last line is kept to explain an exit.
/// </summary>
internal sealed class StderrDrain(ILogger logger, TimeProvider time, SecretRedactor? redactor = null)
{
    private readonly SecretRedactor _redactor = redactor ?? SecretRedactor.None;

    public const int MaxLineChars = 400;
    public const int LinesPerSecond = 20;

    private readonly StringBuilder _line = new();
    private long _windowStart = time.GetTimestamp();
    private int _linesInWindow;
    private int _suppressed;
    private volatile string? _lastLine;

    /// <summary>The last non-empty line that explains something, redacted.</summary>
    public string? LastLine => _lastLine;

    public async Task RunAsync(Stream stderr)
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[4096];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        try
        {
            int read;
            while ((read = await stderr.ReadAsync(bytes).ConfigureAwait(false)) > 0)
            {
                var count = decoder.GetChars(bytes, 0, read, chars, 0);
                Push(chars.AsSpan(0, count));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The process was killed: its pipe is gone.
        }

        EndLine();
        if (_suppressed > 0)
        {
            FfmpegLog.Suppressed(logger, _suppressed, LinesPerSecond);
        }
    }

    internal void Push(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            // ffmpeg ends progress lines with \r.
            if (c is '\n' or '\r')
            {
                EndLine();
            }
            else if (_line.Length < MaxLineChars + _redactor.LongestSecret && (_line.Length > 0 || !char.IsWhiteSpace(c)))
            {
                // Kept past MaxLineChars by the longest secret, so the cut cannot fall inside one.
                _line.Append(char.IsControl(c) ? '?' : c);
            }
        }
    }

    private void EndLine()
    {
        if (_line.Length == 0)
        {
            return;
        }

        var line = _redactor.Redact(_line.ToString().TrimEnd(), MaxLineChars);
        line = line[..Math.Min(line.Length, MaxLineChars)].TrimEnd();
        _line.Clear();
        if (line.Length == 0)
        {
            return;
        }

        // ffmpeg's closing "Conversion failed!" says less than the error line before it.
        if (!line.Equals("Conversion failed!", StringComparison.Ordinal))
        {
            _lastLine = line;
        }

        if (time.GetElapsedTime(_windowStart) >= TimeSpan.FromSeconds(1))
        {
            if (_suppressed > 0)
            {
                FfmpegLog.Suppressed(logger, _suppressed, LinesPerSecond);
            }

            _windowStart = time.GetTimestamp();
            _linesInWindow = 0;
            _suppressed = 0;
        }

        if (++_linesInWindow > LinesPerSecond)
        {
            _suppressed++;
            return;
        }

        FfmpegLog.Stderr(logger, line);
    }
}
