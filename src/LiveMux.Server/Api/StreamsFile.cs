using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace LiveMux.Server.Api;

/// <summary>
/// The streams file (<c>LiveMux:StreamsFile</c>, default <c>streams.json</c> in the working directory): the streams
/// added through the API, shaped as configuration so it is also a configuration source that reloads on change
/// (hand edits apply too). It holds camera passwords: written whole to a temporary file with mode 0600 and
/// renamed over the old one, so a reader never sees half a file and no other user can read it.
/// <code>
///   {"LiveMux":{"Streams":{"cam2":{"Url":"rtsp://user:pass@host/path","Transport":"udp"}}}}
/// </code>
/// </summary>
internal sealed class StreamsFile : IDisposable
{
    private readonly PhysicalFileProvider _directory;

    public const string Key = "LiveMux:StreamsFile";
    private const long MaxBytes = 4 * 1024 * 1024;

    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };
    private static readonly JsonDocumentOptions s_lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private StreamsFile(string path)
    {
        FullPath = path;
        var directory = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        _directory = new PhysicalFileProvider(directory);
        Source = new JsonConfigurationSource
        {
            Path = System.IO.Path.GetFileName(path),
            FileProvider = _directory,
            Optional = true,

            // Not the provider's own reload: it runs on a timer thread, and one that read the file just before an
            // API write replaced it stored the older content after the write's reload, so the write's stream was
            // missing when applied (a 500) and was removed again by the next change. The reconciler reloads on
            // Watch(), under the same gate as the API's writes, so every reload reads the file as it is now.
            ReloadOnChange = false,
            OnLoadException = context =>
            {
                // A bad hand edit must not take the file's streams down (the provider would empty itself):
                // remember it, so start-up refuses it and a reload leaves the running streams as they are.
                LoadError = context.Exception.InnerException?.Message ?? context.Exception.Message;
                context.Ignore = true;
            },
        };
    }

    public string FullPath { get; }

    public JsonConfigurationSource Source { get; }

    /// <summary>Why the file could not be read as JSON at its last load; null when it could.</summary>
    public string? LoadError { get; private set; }

    /// <summary>Adds the file to <paramref name="configuration"/> below every other source, so configuration wins over it.</summary>
    public static StreamsFile AddTo(IConfigurationBuilder configuration, IConfiguration settings, string directory)
    {
        var path = settings[Key];
        var file = new StreamsFile(System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(path) ? "streams.json" : path, directory));
        configuration.Sources.Insert(0, file.Source);
        return file;
    }

    /// <summary>Fires when the file changes on disk: an API write (renamed into place) or a hand edit.</summary>
    public IChangeToken Watch() => _directory.Watch(System.IO.Path.GetFileName(FullPath));

    /// <summary>True for a provider this file feeds.</summary>
    public bool Feeds(IConfigurationProvider provider) => provider is JsonConfigurationProvider json && ReferenceEquals(json.Source, Source);

    /// <summary>Reads the file again to see whether it is valid JSON now (the provider does not say when it is again).</summary>
    public string? Check()
    {
        try
        {
            Load();
            LoadError = null;
        }
        catch (StreamsFileException e)
        {
            LoadError = e.Message;
        }
        catch (IOException e)
        {
            LoadError = "the streams file cannot be read: " + e.Message;
        }

        return LoadError;
    }

    /// <summary>Re-reads the file into configuration now. Callers hold the reconciler's gate: loads never overlap.</summary>
    public void Reload(IConfiguration configuration)
    {
        if (configuration is IConfigurationRoot root)
        {
            foreach (var provider in root.Providers.Where(Feeds))
            {
                provider.Load();
            }
        }
    }

    /// <summary>The stored settings of one stream (configuration keys, the URL with its credentials), or null.</summary>
    public JsonObject? Read(string name) => Find(Streams(Load(), create: false), name) is { Value: JsonObject entry } ? (JsonObject)entry.DeepClone() : null;

    /// <summary>Sets (or with null removes) one stream and rewrites the file; everything else in it is kept.</summary>
    public void Write(string name, JsonObject? entry)
    {
        var root = Load();
        var streams = Streams(root, create: true)!;
        if (Find(streams, name) is { } existing)
        {
            streams.Remove(existing.Key);
        }

        if (entry is not null)
        {
            streams[name] = entry;
        }

        var bytes = Encoding.UTF8.GetBytes(root.ToJsonString(s_indented));
        var temporary = FullPath + ".tmp-" + Guid.NewGuid().ToString("N");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, FullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Stops watching the directory (the configuration does not own a file provider it was given).</summary>
    public void Dispose() => _directory.Dispose();

    private JsonObject Load()
    {
        if (!File.Exists(FullPath))
        {
            return [];
        }

        var info = new FileInfo(FullPath);
        if (info.Length > MaxBytes)
        {
            throw new StreamsFileException($"the streams file is larger than {MaxBytes} bytes");
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(FullPath), documentOptions: s_lenient) as JsonObject
                ?? throw new StreamsFileException("the streams file is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new StreamsFileException("the streams file is not valid JSON: " + e.Message);
        }
    }

    // Configuration keys are case-insensitive, so a hand-written "livemux"/"streams" is the same section.
    private static JsonObject? Streams(JsonObject root, bool create)
    {
        var liveMux = Child(root, "LiveMux", create);
        return liveMux is null ? null : Child(liveMux, "Streams", create);
    }

    private static JsonObject? Child(JsonObject parent, string key, bool create)
    {
        if (Find(parent, key) is { Value: JsonObject child })
        {
            return child;
        }

        if (!create)
        {
            return null;
        }

        var created = new JsonObject();
        if (Find(parent, key) is { } other)
        {
            parent.Remove(other.Key);
        }

        parent[key] = created;
        return created;
    }

    private static KeyValuePair<string, JsonNode?>? Find(JsonObject? parent, string key)
    {
        if (parent is null)
        {
            return null;
        }

        foreach (var pair in parent)
        {
            if (string.Equals(pair.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return pair;
            }
        }

        return null;
    }
}

/// <summary>The streams file cannot be read or changed; the message never holds its content.</summary>
internal sealed class StreamsFileException(string message) : Exception(message);
