using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// Run: bench/run-micro.sh, or dotnet run -c Release --project bench/LiveMux.Benchmarks -- --filter '*' --job short
// Quick check (seconds, in-process, allocations per op): dotnet run -c Release --project bench/LiveMux.Benchmarks -- --smoke
if (args is ["--smoke"])
{
    return LiveMux.Benchmarks.Smoke.Run();
}

var config = DefaultConfig.Instance.AddColumn(StatisticColumn.OperationsPerSecond);
BenchmarkSwitcher.FromAssembly(typeof(LiveMux.Benchmarks.DepacketizeMuxBenchmarks).Assembly).Run(args, config);
return 0;
