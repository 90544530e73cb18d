using System.Reflection;
using Microsoft.Extensions.Logging;

namespace LiveMux.Server.Tests.Architecture;

/// <summary>Event ids are a contract with whoever filters the log (ARCHITECTURE.md practice 8): one id, one event,
/// across every assembly.</summary>
public sealed class EventIdTests
{
    [Fact]
    public void The_walk_finds_all_four_assemblies()
    {
        Assert.Equal(
            ["LiveMux.Hub", "LiveMux.Media", "LiveMux.Rtsp", "LiveMux.Server"],
            LiveMuxAssemblies.All.Select(a => a.GetName().Name));
    }

    [Fact]
    public void Every_logger_message_has_its_own_event_id()
    {
        var events = LiveMuxAssemblies.All.SelectMany(LoggerEvents).ToList();

        // The reflection must see the events of each logging assembly, or an empty list would pass.
        Assert.Contains(events, e => e is { Method: "LiveMux.Rtsp.Client.RtspLog.Connecting", Id: 1000 });
        Assert.Contains(events, e => e.Method.StartsWith("LiveMux.Hub.HubLog.", StringComparison.Ordinal));
        Assert.Contains(events, e => e is { Method: "LiveMux.Server.Auth.AuthLog.AdminRefused", Id: 3101 });
        Assert.Contains(events, e => e is { Method: "LiveMux.Server.Api.ApiLog.StreamRemoved", Id: 3200 });

        // Joined into the message: xunit would cut a collection's items short, and both names are the point.
        var unnumbered = events.Where(e => e.Id <= 0).Select(e => $"{e.Method} has no explicit EventId").ToList();
        Assert.True(unnumbered.Count == 0, string.Join(Environment.NewLine, unnumbered));
        var duplicates = Duplicates(events);
        Assert.True(duplicates.Count == 0, string.Join(Environment.NewLine, duplicates));
    }

    public static TheoryData<(string Method, int Id)[], string[]> Tables => new()
    {
        { [("A.Log.One", 1), ("A.Log.Two", 2)], [] },
        { [("A.Log.One", 1), ("A.Other.Two", 1)], ["event id 1: A.Log.One, A.Other.Two"] },
        // Across assemblies: a Server id reused from Rtsp.
        { [("LiveMux.Rtsp.RtspLog.X", 1000), ("LiveMux.Server.ApiLog.Y", 1000), ("LiveMux.Hub.HubLog.Z", 2000)],
          ["event id 1000: LiveMux.Rtsp.RtspLog.X, LiveMux.Server.ApiLog.Y"] },
        { [("A.B.C", 7), ("A.B.D", 7), ("A.B.E", 7), ("A.B.F", 8), ("A.B.G", 8)],
          ["event id 7: A.B.C, A.B.D, A.B.E", "event id 8: A.B.F, A.B.G"] },
    };

    [Theory]
    [MemberData(nameof(Tables))]
    public void A_duplicate_is_reported_with_every_method_that_uses_it((string Method, int Id)[] events, string[] expected) =>
        Assert.Equal(expected, Duplicates(events));

    private static IEnumerable<(string Method, int Id)> LoggerEvents(Assembly assembly) =>
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null
        select ($"{type.FullName}.{method.Name}", attribute.EventId);

    private static List<string> Duplicates(IEnumerable<(string Method, int Id)> events) =>
        [.. events.GroupBy(e => e.Id)
            .Where(g => g.Count() > 1)
            .OrderBy(g => g.Key)
            .Select(g => $"event id {g.Key}: {string.Join(", ", g.Select(e => e.Method).Order(StringComparer.Ordinal))}")];
}
