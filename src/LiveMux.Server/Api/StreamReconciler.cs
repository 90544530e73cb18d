using LiveMux.Hub;
using Microsoft.Extensions.Primitives;

namespace LiveMux.Server.Api;

/// <summary>
/// The one place that makes the hub match the desired streams (configuration plus the streams file): at
/// start, on every configuration change, on an edit of the streams file, and after every API write. Added streams start,
/// removed ones stop, changed ones are replaced; an unchanged stream is not touched, so its viewers never
/// notice. A stream whose new settings are invalid is left as it runs, with the errors logged.
/// Streams of the streams file are the API's: they must pass <see cref="ApiFfmpegPolicy"/> and run restricted
/// by it, however they got into the file (the API, a hand edit, a restart).
/// An API write applies only the stream it wrote, and the file's change event for it reads the file, sees
/// what was written and stops there: a burst of writes costs each one its own stream, not every stream bound
/// again (which is O(N) per write, and the binder itself is worse than linear in the number of keys).
/// </summary>
internal sealed class StreamReconciler(StreamHub hub, IConfiguration configuration, StreamsFile file, ApiFfmpegPolicy policy, TimeProvider time, ILogger<StreamReconciler> logger) : IDisposable
{
    /// <summary>A hand edit may be written in several steps: the file is read this long after the last change.</summary>
    private static readonly TimeSpan s_settle = TimeSpan.FromMilliseconds(100);

    public const string Api = "api";
    public const string Config = "config";
    public const string Demo = "demo";

    private const string StreamsSection = "LiveMux:Streams";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, (StreamOptions Options, string Managed)> _applied = new(StringComparer.Ordinal);
    private volatile Dictionary<string, string> _managed = new(StringComparer.Ordinal);
    private IDisposable? _onChange;
    private IDisposable? _onFileChange;
    private int _fileChanges;
    private int _configurationChangePending;
    private int _reloadingThread;
    private int _fileReloads;
    private bool _stopped;

    // Until an apply of everything has finished (the file or the configuration was invalid), a write applies
    // everything rather than its own stream alone.
    private bool _wholeNeeded = true;

    /// <summary>How many times the streams file was read back into configuration: at start and for edits by others.</summary>
    public int FileReloads => Volatile.Read(ref _fileReloads);

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
        // Watching first, then reading: an edit made meanwhile is reloaded on its change.
        _onChange = ChangeToken.OnChange(configuration.GetReloadToken, OnConfigurationChanged);
        _onFileChange = ChangeToken.OnChange(file.Watch, () => _ = OnFileChangedAsync());
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ReloadFile();
            await ApplyAsync(only: null).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The demo stream, added by the host at start-up, outside the desired set.</summary>
    public void AddDemo(string name)
    {
        var managed = new Dictionary<string, string>(_managed, StringComparer.Ordinal) { [name] = Demo };
        _managed = managed;
    }

    /// <summary>The configuration of one stream alone, as the whole configuration has it (every source merged).</summary>
    private IConfiguration OneStream(string name)
    {
        var section = configuration.GetSection(StreamsSection).GetSection(name);

        // The section's own key is listed even when it does not exist; a removed stream must have none.
        var keys = section.AsEnumerable().Where(pair => pair.Key != section.Path || pair.Value is not null);
        return new ConfigurationBuilder().AddInMemoryCollection(keys).Build();
    }

    /// <summary>Runs an API write (which changes the streams file) and applies the result before returning.</summary>
    public async Task<T> WriteAsync<T>(Func<T> write, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var result = write();
            if (file.TryLoadWrite(configuration, out var written))
            {
                await ApplyAsync(written).ConfigureAwait(false);
            }
            else if (!file.IsCurrent())
            {
                // Someone else changed the file (the write, if any, kept their change): read and apply it all.
                ReloadFile();
                await ApplyAsync(only: null).ConfigureAwait(false);
            }

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
                // The API's own writes are loaded and applied already: only someone else's change is read.
                if (!_stopped && !file.IsCurrent())
                {
                    ReloadFile();
                    await ApplyAsync(only: null).ConfigureAwait(false);
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

    /// <summary>Reads the streams file into configuration; the caller holds the gate and applies it.</summary>
    private void ReloadFile()
    {
        Interlocked.Increment(ref _fileReloads);
        Volatile.Write(ref _reloadingThread, Environment.CurrentManagedThreadId);
        try
        {
            file.Reload(configuration);
        }
        finally
        {
            Volatile.Write(ref _reloadingThread, 0);
        }
    }

    private void OnConfigurationChanged()
    {
        // The streams file's reload raises the change on the reloading thread, which applies it itself.
        if (Volatile.Read(ref _reloadingThread) == Environment.CurrentManagedThreadId)
        {
            return;
        }

        // One apply waiting for the gate is enough: it reads the configuration as it is when it runs.
        if (Interlocked.Exchange(ref _configurationChangePending, 1) == 0)
        {
            _ = OnConfigurationChangedAsync();
        }
    }

    private async Task OnConfigurationChangedAsync()
    {
        try
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                Volatile.Write(ref _configurationChangePending, 0);
                await ApplyAsync(only: null).ConfigureAwait(false);
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

    /// <summary>
    /// Makes the hub match the configuration: every stream, or with <paramref name="only"/> that one stream
    /// (everything else being as last applied), bound from a configuration of its own keys alone.
    /// </summary>
    private async Task ApplyAsync(string? only)
    {
        if (_stopped)
        {
            return;
        }

        // Everything when the last whole apply did not finish, or when the name is not one configuration key of
        // its own (a name differing from an applied one only in case is the same key).
        if (only is not null && (_wholeNeeded || only.Contains(ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)
            || _applied.Keys.Any(n => n != only && string.Equals(n, only, StringComparison.OrdinalIgnoreCase))))
        {
            only = null;
        }

        var source = configuration;
        if (only is null)
        {
            if (file.Check() is { } fileError)
            {
                _wholeNeeded = true;
                ApiLog.StreamsFileInvalid(logger, file.FullPath, fileError);
                return;
            }
        }
        else
        {
            source = OneStream(only);
        }

        LiveMuxOptions bound;
        try
        {
            bound = source.GetSection(LiveMuxOptions.Section).Get<LiveMuxOptions>() ?? new LiveMuxOptions();
        }
        catch (InvalidOperationException e)
        {
            if (only is not null)
            {
                await ApplyAsync(only: null).ConfigureAwait(false);
                return;
            }

            _wholeNeeded = true;
            ApiLog.ConfigurationInvalid(logger, e.Message);
            return;
        }

        // Streams with errors keep running as they were: a typo must not take a camera down.
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, error) in StreamBindingCheck.StreamErrors(source.GetSection(StreamsSection), bound))
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

        foreach (var name in _applied.Keys.Where(n => (only is null || n == only) && !desired.ContainsKey(n) && !keep.Contains(n)).ToList())
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
        if (only is null)
        {
            _wholeNeeded = false;
        }
    }

    // The gate is not disposed: a configuration change can still be on its way in while the host is disposed.
    public void Dispose()
    {
        _onChange?.Dispose();
        _onFileChange?.Dispose();
    }
}
