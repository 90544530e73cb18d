using System.Text.Json;
using System.Text.RegularExpressions;

namespace LiveMux.Server.Api;

/// <summary>
/// Reads a <see cref="StreamInput"/> body. A body that is not JSON, a value of the wrong JSON type or an unknown
/// field is a validation problem keyed by the field, like any other bad setting (model binding would give a
/// bare 400). The body is capped: it holds a handful of settings.
/// </summary>
internal static partial class StreamInputReader
{
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly JsonSerializerOptions s_input = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 8,
    };

    public static async Task<(StreamInput? Input, Dictionary<string, string[]>? Errors)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, One("body", $"the body is larger than {MaxBodyBytes} bytes"));
        }

        using var body = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                return (null, One("body", $"the body is larger than {MaxBodyBytes} bytes"));
            }

            body.Write(buffer, 0, read);
        }

        try
        {
            var input = JsonSerializer.Deserialize<StreamInput>(body.ToArray(), s_input);
            return input is null ? (null, One("body", "expected a JSON object")) : (input, null);
        }
        catch (JsonException e)
        {
            // The messages name .NET types; the path and property are all a caller needs.
            if (UnknownProperty().Match(e.Message) is { Success: true } unknown)
            {
                var field = Field(e.Path, unknown.Groups[1].Value);
                return (null, One(field, field == "ffmpeg.path"
                    ? "unknown field: the ffmpeg binary is not chosen through the API; it is configuration's LiveMux:Ffmpeg:Path"
                    : "unknown field"));
            }

            return (null, One(Field(e.Path, null), e.Path is null or "$" ? "the body is not a JSON object of stream settings" : "wrong type of value for this field"));
        }
    }

    public static Dictionary<string, string[]> One(string field, string message) => new() { [field] = [message] };

    // "$.ffmpeg.video" -> "ffmpeg.video"; an unknown member is reported with its parent's path.
    private static string Field(string? path, string? member)
    {
        var field = path is null || path == "$" ? "" : path.TrimStart('$', '.');
        if (member is not null && !field.EndsWith(member, StringComparison.Ordinal))
        {
            field = field.Length == 0 ? member : field + "." + member;
        }

        return field.Length == 0 ? "body" : field;
    }

    [GeneratedRegex("JSON property '([^']{1,100})' could not be mapped")]
    private static partial Regex UnknownProperty();
}
