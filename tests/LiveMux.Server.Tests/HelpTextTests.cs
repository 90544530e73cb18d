using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace LiveMux.Server.Tests;

/// <summary>--help lists every configuration key with the default the options records really have.</summary>
public sealed class HelpTextTests
{
    [Fact]
    public void Every_option_is_listed_with_its_real_default()
    {
        var keys = Leaves(typeof(LiveMuxOptions), new LiveMuxOptions(), "").ToList();
        Assert.Contains(keys, k => k.Key == "IdleTimeout");
        Assert.Contains(keys, k => k.Key == "Ffmpeg:Video");
        Assert.Contains(keys, k => k.Key == "Viewers:SlowViewerTimeout");

        var problems = new List<string>();
        foreach (var (key, type, value) in keys)
        {
            var line = Regex.Match(HelpText.Text, $@"^\s+{Regex.Escape(key)}\s+(\S+)", RegexOptions.Multiline);
            if (!line.Success)
            {
                problems.Add($"{key}: not in --help");
            }
            else if (!SameDefault(type, value, line.Groups[1].Value))
            {
                problems.Add($"{key}: --help says {line.Groups[1].Value}, the default is {value ?? "null"}");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    public static TheoryData<string> Required => new()
    {
        "--urls", "--log-format json|text", "LiveMux__Streams__cam1__Url=", "--LiveMux:Streams:cam1:Url=",
        "appsettings.json", "StreamsFile", "Auth:ApiKey", "Auth:TokenSecret", "Metrics:RequireAdmin",
        "/var/lib/livemux/streams.json", "Exit codes:", "  2   invalid configuration",
    };

    [Theory]
    [MemberData(nameof(Required))]
    public void Documents(string text) => Assert.Contains(text, HelpText.Text);

    public static TheoryData<string[], bool> Requests => new()
    {
        { ["--help"], true },
        { ["-h"], true },
        { ["--urls=http://127.0.0.1:0", "-h"], true },
        { [], false },
        { ["--LiveMux:Streams:help:Url=rtsp://h/help"], false },
        { ["--helpful"], false },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Recognises_a_request_for_help(string[] args, bool expected) => Assert.Equal(expected, HelpText.IsRequested(args));

    /// <summary>Leaf keys relative to <c>LiveMux:</c>; a stream's keys relative to <c>LiveMux:Streams:&lt;name&gt;:</c>.</summary>
    private static IEnumerable<(string Key, Type Type, object? Value)> Leaves(Type type, object? instance, string prefix)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var value = instance is null ? null : p.GetValue(instance);
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                // LiveMux:Streams:<name>: the help lists a stream's keys on their own.
                var element = t.GetGenericArguments()[1];
                foreach (var leaf in Leaves(element, Activator.CreateInstance(element), ""))
                {
                    yield return leaf;
                }
            }
            else if (IsLeaf(t))
            {
                yield return (prefix + p.Name, t, value);
            }
            else
            {
                foreach (var leaf in Leaves(t, value ?? Activator.CreateInstance(t), prefix + p.Name + ":"))
                {
                    yield return leaf;
                }
            }
        }
    }

    private static bool IsLeaf(Type t) =>
        t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(TimeSpan) || t == typeof(Uri)
        || (typeof(IEnumerable).IsAssignableFrom(t) && !t.IsGenericType) || (t.IsGenericType && typeof(IEnumerable).IsAssignableFrom(t)) || t.IsArray;

    private static bool SameDefault(Type type, object? value, string shown)
    {
        if (shown == "(none)")
        {
            return value is null || (value is IEnumerable e and not string && !e.Cast<object>().Any());
        }

        if (shown == "(empty)")
        {
            return value is "";
        }

        var c = CultureInfo.InvariantCulture;
        return value switch
        {
            null => false,
            TimeSpan t => TimeSpan.TryParse(shown, c, out var s) && s == t,
            bool b => bool.TryParse(shown, out var s) && s == b,
            Enum e => string.Equals(e.ToString(), shown, StringComparison.OrdinalIgnoreCase),
            string s => string.Equals(s, shown, StringComparison.OrdinalIgnoreCase),
            IConvertible n when type.IsPrimitive => string.Equals(n.ToString(c), shown, StringComparison.Ordinal),
            _ => false,
        };
    }
}
