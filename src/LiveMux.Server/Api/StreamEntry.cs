using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LiveMux.Hub;
using LiveMux.Hub.Sources;
using LiveMux.Rtsp;

namespace LiveMux.Server.Api;

/// <summary>
/// Turns API input into the streams file's entry for a stream (configuration keys, credentials merged into
/// the URL), and checks it exactly as start-up checks configuration: the entry is bound by the configuration
/// binder (<see cref="StreamBindingCheck"/>) and validated by <see cref="LiveMuxOptionsValidator"/>, so
/// what the API accepts is what a reload of the file will run.
/// </summary>
internal static class StreamEntry
{
    // The file's keys are the options' own names; only the settings the caller gave are written.
    private static readonly JsonSerializerOptions s_entry = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <param name="stored">On PUT, the stream's current entry: its credentials stay unless the input names new ones.</param>
    public static JsonObject Build(StreamInput input, JsonObject? stored, List<OptionError> errors)
    {
        var entry = JsonSerializer.SerializeToNode(input with { Name = null, Username = null, Password = null, Url = null }, s_entry)!.AsObject();
        CheckCredentials(input, errors);
        var (bare, user, password) = StreamCredentials.Split(input.Url ?? "");
        if (StoredUrl(stored) is { } storedUrl)
        {
            var (storedBare, storedUser, storedPassword) = StreamCredentials.Split(storedUrl);
            if (input.Url is not null && user is null && password is null)
            {
                (user, password) = (storedUser, storedPassword);
            }

            // The API shows query secrets (?password=...) as ***: the echo sent back keeps the stored values.
            if (bare == StreamCredentials.Shown(storedUrl))
            {
                bare = storedBare;
            }
        }

        if (entry[nameof(StreamInput.Ffmpeg)] is JsonObject ffmpeg && ffmpeg[nameof(FfmpegOptions.Input)] is JsonValue inputValue
            && inputValue.TryGetValue<string>(out var ffmpegInput) && StoredFfmpegInput(stored) is { } storedInput
            && ffmpegInput == ShownInput(storedInput))
        {
            ffmpeg[nameof(FfmpegOptions.Input)] = storedInput;
        }

        // Write-only like a camera's password: a PUT that leaves it out keeps the stored one.
        if (input.PublishPassword is null && StringProperty(stored, nameof(StreamOptions.PublishPassword)) is { } storedPublishPassword)
        {
            entry[nameof(StreamOptions.PublishPassword)] = storedPublishPassword;
        }

        if (input.Username is not null)
        {
            user = input.Username.Length == 0 ? null : input.Username;
        }

        if (input.Password is not null)
        {
            password = input.Password.Length == 0 ? null : input.Password;
        }

        if (string.IsNullOrWhiteSpace(input.Url))
        {
            if (!string.IsNullOrEmpty(input.Username) || !string.IsNullOrEmpty(input.Password))
            {
                errors.Add(new(string.IsNullOrEmpty(input.Username) ? "password" : "username", "credentials go with a camera url; an ffmpeg source takes them in its input"));
            }
        }
        else
        {
            entry["Url"] = StreamCredentials.Merge(bare, user, password);
        }

        return entry;
    }

    /// <summary>An ffmpeg input as the API shows it: its secrets hidden by value, as in the log (<see cref="SecretRedactor"/>).</summary>
    public static string ShownInput(string input) => SecretRedactor.ForText(input).Redact(input);

    /// <summary>
    /// Credentials as written in the url must be unambiguous (<see cref="UrlUserInfo.Problem"/>): an unencoded '@'
    /// or '/' moves the host, and a space or quote ends the URL a log reader sees. None may hold a control character:
    /// the user name goes into the Authorization header line.
    /// </summary>
    private static void CheckCredentials(StreamInput input, List<OptionError> errors)
    {
        if (!string.IsNullOrWhiteSpace(input.Url) && UrlUserInfo.Find(input.Url.Trim()).Problem() is { } problem)
        {
            errors.Add(new("url", problem));
        }

        if (UrlUserInfo.HasControl(input.Username))
        {
            errors.Add(new("username", "must not hold control characters (CR, LF, NUL, ...)"));
        }

        if (UrlUserInfo.HasControl(input.PublishPassword))
        {
            errors.Add(new("publishPassword", "must not hold control characters (CR, LF, NUL, ...)"));
        }

        if (UrlUserInfo.HasControl(input.Password))
        {
            errors.Add(new("password", "must not hold control characters (CR, LF, NUL, ...)"));
        }
    }

    // The file is configuration, so a hand-written "url" is the same key as "Url".
    private static string? StoredUrl(JsonObject? stored) => StringProperty(stored, "Url");

    private static string? StoredFfmpegInput(JsonObject? stored) =>
        Property(stored, "Ffmpeg") is JsonObject ffmpeg ? StringProperty(ffmpeg, "Input") : null;

    private static JsonNode? Property(JsonObject? o, string name) =>
        o?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string? StringProperty(JsonObject? o, string name) =>
        Property(o, name) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Binds and validates <paramref name="entry"/> as stream <paramref name="name"/>; null when it has errors.</summary>
    public static StreamOptions? Validate(string name, JsonObject entry, ApiFfmpegPolicy policy, List<OptionError> errors)
    {
        var document = new JsonObject { ["LiveMux"] = new JsonObject { ["Streams"] = new JsonObject { [name] = entry.DeepClone() } } };
        using var json = new MemoryStream(Encoding.UTF8.GetBytes(document.ToJsonString()));
        var configuration = new ConfigurationBuilder().AddJsonStream(json).Build();
        var section = configuration.GetSection(LiveMuxOptions.Section);
        var bound = section.Get<LiveMuxOptions>() ?? new LiveMuxOptions();
        errors.AddRange(StreamBindingCheck.StreamErrors(section.GetSection("Streams"), bound).Select(e => e.Error));
        if (bound.Streams.TryGetValue(name, out var options))
        {
            LiveMuxOptionsValidator.ValidateStream(errors, name, options);
            policy.Validate(errors, name, options);
        }
        else if (errors.Count == 0)
        {
            // A name that is not a configuration key of its own (':' in it) binds nothing.
            LiveMuxOptionsValidator.ValidateStream(errors, name, new StreamOptions { Url = "rtsp://placeholder/" });
        }

        return errors.Count == 0 ? options : null;
    }

    /// <summary>The settings in effect, for the API's echo: no credentials (nor the publish password), an ffmpeg input redacted.</summary>
    public static StreamSettings Settings(StreamOptions o) => new(
        o.Url.Length == 0 ? null : StreamCredentials.Shown(o.Url),
        o.Transport,
        o.AlwaysOn,
        o.TranscodeFallback,
        o.IdleTimeout.ToString("c"),
        o.MediaTimeout.ToString("c"),
        o.ConnectTimeout.ToString("c"),
        o.ReconnectInitialDelay.ToString("c"),
        o.ReconnectMaxDelay.ToString("c"),
        o.TrackConfigTimeout.ToString("c"),
        o.GopCacheMaxBytes,
        o.AllowSelfSignedCertificate,
        o.CertificateThumbprint,
        o.Ffmpeg is { } f
            ? new FfmpegSettings(ShownInput(f.Input), f.InputOptions, f.Video.ToString().ToLowerInvariant(), f.Audio.ToString().ToLowerInvariant())
            : null,
        o.Publish);
}
