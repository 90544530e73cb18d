using System.Diagnostics.CodeAnalysis;
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

    // What the configuration last loaded from the file (null: there was none), when known: the file differing
    // from it on disk is someone else's edit. All state below is used under the reconciler's gate.
    private byte[]? _loaded;
    private bool _loadedKnown;

    // The content last read or written and its parse: reading an unchanged file again does not parse it again.
    private byte[]? _cachedBytes;
    private JsonObject? _cachedRoot;

    // The last write, when it was made over exactly what the configuration held: only that stream changed.
    private (string Name, byte[] Bytes)? _ownWrite;

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
        _ownWrite = null;

        // Read before the provider reads: a change in between leaves the file differing from what is remembered
        // (so it is reloaded again on its change), never the other way round.
        byte[]? bytes = null;
        var known = true;
        try
        {
            bytes = ReadBytes();
        }
        catch (Exception e) when (e is StreamsFileException or IOException or UnauthorizedAccessException)
        {
            known = false;
        }

        if (configuration is IConfigurationRoot root)
        {
            foreach (var provider in root.Providers.Where(Feeds))
            {
                provider.Load();
            }
        }

        _loaded = bytes;
        _loadedKnown = known;
    }

    /// <summary>
    /// After a <see cref="Write"/> made over exactly what the configuration held: loads what it wrote into the
    /// configuration (from memory, so exactly those bytes, and without a configuration change event: the caller
    /// applies it) and gives the one stream it changed. False when there is no such write; then
    /// <see cref="IsCurrent"/> tells whether the file needs a <see cref="Reload"/>.
    /// </summary>
    public bool TryLoadWrite(IConfiguration configuration, [NotNullWhen(true)] out string? name)
    {
        name = null;
        if (_ownWrite is not { } write || configuration is not IConfigurationRoot root)
        {
            return false;
        }

        _ownWrite = null;
        foreach (var provider in root.Providers.Where(Feeds))
        {
            using var content = new MemoryStream(write.Bytes, writable: false);
            ((JsonConfigurationProvider)provider).Load(content);
        }

        _loaded = write.Bytes;
        _loadedKnown = true;
        LoadError = null;
        name = write.Name;
        return true;
    }

    /// <summary>True when the file on disk is what the configuration last loaded: nobody else changed it since.</summary>
    public bool IsCurrent()
    {
        if (!_loadedKnown)
        {
            return false;
        }

        try
        {
            return Same(ReadBytes(), _loaded);
        }
        catch (Exception e) when (e is StreamsFileException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The stored settings of one stream (configuration keys, the URL with its credentials), or null.</summary>
    public JsonObject? Read(string name) => Find(Streams(Load(), create: false), name) is { Value: JsonObject entry } ? (JsonObject)entry.DeepClone() : null;

    /// <summary>Sets (or with null removes) one stream and rewrites the file; everything else in it is kept.</summary>
    public void Write(string name, JsonObject? entry)
    {
        var before = ReadBytes();
        var root = Parse(before);

        // The cached parse is changed below: forgotten until the change is on disk.
        _cachedBytes = null;
        _cachedRoot = null;
        _ownWrite = null;
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

        _cachedBytes = bytes;
        _cachedRoot = root;
        _ownWrite = _loadedKnown && Same(before, _loaded) ? (name, bytes) : null;
    }

    /// <summary>Stops watching the directory (the configuration does not own a file provider it was given).</summary>
    public void Dispose() => _directory.Dispose();

    private JsonObject Load() => Parse(ReadBytes());

    /// <summary>The file's content, null when there is none; at most <see cref="MaxBytes"/>.</summary>
    private byte[]? ReadBytes()
    {
        FileStream stream;
        try
        {
            stream = new FileStream(FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        using (stream)
        {
            if (stream.Length > MaxBytes)
            {
                throw TooLarge();
            }

            // A hand edit may still be growing it: the limit holds for what is read, not only the length seen.
            using var content = new MemoryStream((int)stream.Length);
            var chunk = new byte[64 * 1024];
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                if (content.Length + read > MaxBytes)
                {
                    throw TooLarge();
                }

                content.Write(chunk, 0, read);
            }

            return content.ToArray();
        }
    }

    /// <summary>The parse of <paramref name="bytes"/>; the same object for the same content until a write changes it.</summary>
    private JsonObject Parse(byte[]? bytes)
    {
        if (bytes is null)
        {
            return [];
        }

        if (_cachedRoot is not null && Same(bytes, _cachedBytes))
        {
            return _cachedRoot;
        }

        JsonObject root;
        try
        {
            // As File.ReadAllText reads it: a byte order mark chooses the encoding, UTF-8 otherwise.
            using var reader = new StreamReader(new MemoryStream(bytes, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            root = JsonNode.Parse(reader.ReadToEnd(), documentOptions: s_lenient) as JsonObject
                ?? throw new StreamsFileException("the streams file is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new StreamsFileException("the streams file is not valid JSON: " + e.Message);
        }

        _cachedBytes = bytes;
        _cachedRoot = root;
        return root;
    }

    private static StreamsFileException TooLarge() => new($"the streams file is larger than {MaxBytes} bytes");

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

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
