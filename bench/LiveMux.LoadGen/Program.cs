using System.Globalization;
using LiveMux.LoadGen;

// The fan-out load generator and the raw-socket floor (bench/README.md):
//   viewers --url ws://HOST/api/ws?src=cam|rtsp://HOST:PORT/cam [--url ...] [--n N per url] [--warmup 5] [--seconds 20]
//           [--report-every S] [--connect-rate 500] [--no-request]
//   floor   --upstream ws://HOST/api/ws?src=cam [--port 0]
const string Usage = """
    usage: LiveMux.LoadGen viewers --url WS_URL|RTSP_URL [--url ...] [--n N] [--warmup S] [--seconds S] [--report-every S] [--connect-rate PER_S] [--no-request]
           LiveMux.LoadGen floor --upstream WS_URL [--port P]
    """;

if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

// Not disposed: ProcessExit can still fire after Main returns.
var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => cancel.Cancel();

var urls = new List<Uri>();
var values = new Dictionary<string, string>();
var flags = new HashSet<string>();
for (var i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--no-request":
            flags.Add(args[i]);
            break;
        case "--url" when i + 1 < args.Length:
            urls.Add(new Uri(args[++i]));
            break;
        case "--n" or "--warmup" or "--seconds" or "--report-every" or "--connect-rate" or "--upstream" or "--port" when i + 1 < args.Length:
            values[args[i]] = args[++i];
            break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}\n{Usage}");
            return 2;
    }
}

double Number(string name, double fallback) => values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

try
{
    switch (args[0])
    {
        case "viewers" when urls.Count > 0:
            var defaults = new ViewersOptions { Urls = urls };
            var options = defaults with
            {
                PerUrl = (int)Number("--n", 1),
                WarmupSeconds = Number("--warmup", defaults.WarmupSeconds),
                Seconds = Number("--seconds", defaults.Seconds),
                ReportEverySeconds = Number("--report-every", 0),
                ConnectRate = (int)Number("--connect-rate", defaults.ConnectRate),
                Request = flags.Contains("--no-request") ? null : defaults.Request,
            };
            return await new ViewersCommand(options, TimeProvider.System, Console.Out, Console.Error).RunAsync(cancel.Token);
        case "floor" when values.ContainsKey("--upstream"):
            return await new FloorServer(new Uri(values["--upstream"]), (int)Number("--port", 0), new ViewersOptions { Urls = [] }.Request, Console.Out)
                .RunAsync(cancel.Token);
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    return 130;
}
