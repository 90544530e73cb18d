using LiveMux.Hub;
using Microsoft.Extensions.Primitives;

namespace LiveMux.Server.Api;

/// <summary>
/// The one place that makes the hub match the desired streams (configuration plus the streams file): at
/// start, on every configuration change (a file edit), and after every API write. Added streams start,
/// removed ones stop, changed ones are replaced; an unchanged stream is not touched, so its viewers never
/// notice. A stream whose new settings are invalid is left as it runs, with the errors logged.
/// Streams of the streams file are the API's: they must pass <see cref="ApiFfmpegPolicy"/> and run restricted
/// by it, however they got into the file (the API, a hand edit, a restart).
/// </summary>
internal sealed class StreamReconciler(StreamHub hub, IConfiguration configuration, StreamsFile file, ApiFfmpegPolicy policy, TimeProvider time, ILogger<StreamReconciler> logger) : IDisposable
{
    /// <summary>A hand edit may be written in several steps: the file is read this long after the last change.</summary>
    private static readonly TimeSpan s_settle = TimeSpan.FromMilliseconds(100);

    public const string Api = "api";
    public const string Config = "config";
    public const string Demo = "demo";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, (StreamOptions Options, string Managed)> _applied = new(StringComparer.Ordinal);
    private volatile Dictionary<string, string> _managed = new(StringComparer.Ordinal);
    private IDisposable? _onChange;
    private IDisposable? _onFileChange;
    private int _fileChanges;
    private bool _stopped;

    /// <summary>"api", "config" or "demo" for a stream in the hub (a companion takes its parent's), else null.</summary>
    public string? Managed(string name) => _managed.GetValueOrDefault(name);

    /// <summary>True when some configuration source other than the streams file names the stream: the API must not change it.</summary>
    public bool IsFromConfiguration(string name) => IsFromConfiguration(configuration, file, name);

    /// <summary>The same before the host is built (start-up validation).</summary>
    public static bool IsFromConfiguration(IConfiguration configuration, StreamsFile file, string name) =>
        configuration is IConfigurationRoot root
        && root.Providers.Where(p => !file.Feeds(p))
            .Any(p => p.GetChildKeys([], "LiveMux:Streams").Contains(name, StringComparer.OrdinalIgnoreCase));

    public async Task StartAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await ApplyAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        _onChange = ChangeToken.OnChange(configuration.GetReloadToken, () => _ = OnConfigurationChangedAsync());
        _onFileChange = ChangeToken.OnChange(file.Watch, () => _ = OnFileChangedAsync());
    }

    /// <summary>The demo stream, added by the host at start-up, outside the desired set.</summary>
    public void AddDemo(string name)
    {
        var managed = new Dictionary<string, string>(_managed, StringComparer.Ordinal) { [name] = Demo };
        _managed = managed;
    }

    /// <summary>Runs an API write (which changes the streams file) and applies the result before returning.</summary>
    public async Task<T> WriteAsync<T>(Func<T> write, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var result = write();
            file.Reload(configuration);
            await ApplyAsync().ConfigureAwait(false);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>No more changes: the hub is about to shut down.</summary>
    public async Task StopAsync()
    {
        _onChange?.Dispose();
        _onFileChange?.Dispose();
        await _gate.WaitAsync().ConfigureAwait(false);
        _stopped = true;
        _gate.Release();
    }

    /// <summary>Reloads the streams file after it changed on disk, once it has been still for a moment.</summary>
    private async Task OnFileChangedAsync()
    {
        var change = Interlocked.Increment(ref _fileChanges);
        try
        {
            await Task.Delay(s_settle, time).ConfigureAwait(false);
            if (change != Volatile.Read(ref _fileChanges))
            {
                return; // a later change reloads it
            }

            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (!_stopped)
                {
                    file.Reload(configuration);
                    await ApplyAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (Exception e)
        {
            ApiLog.ReconcileFailed(logger, e);
        }
    }

    private async Task OnConfigurationChangedAsync()
    {
        try
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                await ApplyAsync().ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (Exception e)
        {
            ApiLog.ReconcileFailed(logger, e);
        }
    }

    private async Task ApplyAsync()
    {
        if (_stopped)
        {
            return;
        }

        if (file.Check() is { } fileError)
        {
            ApiLog.StreamsFileInvalid(logger, file.FullPath, fileError);
            return;
        }

        LiveMuxOptions bound;
        try
        {
            bound = configuration.GetSection(LiveMuxOptions.Section).Get<LiveMuxOptions>() ?? new LiveMuxOptions();
        }
        catch (InvalidOperationException e)
        {
            ApiLog.ConfigurationInvalid(logger, e.Message);
            return;
        }

        // Streams with errors keep running as they were: a typo must not take a camera down.
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, error) in StreamBindingCheck.StreamErrors(configuration.GetSection("LiveMux:Streams"), bound))
        {
            keep.Add(name);
            ApiLog.StreamInvalid(logger, name, error.Message);
        }

        var desired = new Dictionary<string, (StreamOptions Options, string Managed)>(StringComparer.Ordinal);
        foreach (var (name, options) in bound.Streams)
        {
            var errors = new List<OptionError>();
            LiveMuxOptionsValidator.ValidateStream(errors, name, options);
            var fromConfiguration = IsFromConfiguration(name);
            if (!fromConfiguration)
            {
                policy.Validate(errors, name, options);
            }

            if (errors.Count > 0)
            {
                keep.Add(name);
                foreach (var error in errors)
                {
                    ApiLog.StreamInvalid(logger, name, error.Message);
                }

                continue;
            }

            desired[name] = fromConfiguration ? (options, Config) : (policy.Restrict(options), Api);
        }

        foreach (var name in _applied.Keys.Where(n => !desired.ContainsKey(n) && !keep.Contains(n)).ToList())
        {
            _applied.Remove(name);
            await hub.Remove(name, $"stream '{name}' was removed").ConfigureAwait(false);
            ApiLog.StreamRemoved(logger, name);
        }

        foreach (var (name, want) in desired.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            try
            {
                if (!_applied.TryGetValue(name, out var current))
                {
                    var added = hub.Add(name, want.Options);
                    ServerLog.StreamConfigured(logger, name, added.Source);
                }
                else if (current.Options != want.Options)
                {
                    var replaced = await hub.Replace(name, want.Options, $"stream '{name}' settings changed").ConfigureAwait(false);
                    ApiLog.StreamReplaced(logger, name, replaced.Source);
                }

                _applied[name] = want;
            }
            catch (ArgumentException e)
            {
                // A name the hub holds already (the demo stream) or settings the hub refuses.
                ApiLog.StreamInvalid(logger, name, e.Message);
            }
        }

        var managed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, applied) in _applied)
        {
            managed[name] = applied.Managed;
        }

        foreach (var (name, value) in _managed.Where(m => m.Value == Demo))
        {
            managed[name] = value;
        }

        foreach (var stream in hub.Streams)
        {
            if (stream.Fallback is { } companion && managed.TryGetValue(stream.Name, out var parent))
            {
                managed[companion.Name] = parent;
            }
        }

        _managed = managed;
    }

    // The gate is not disposed: a configuration change can still be on its way in while the host is disposed.
    public void Dispose()
    {
        _onChange?.Dispose();
        _onFileChange?.Dispose();
    }
}
