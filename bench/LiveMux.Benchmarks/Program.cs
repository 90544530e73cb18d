using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project bench/LiveMux.Benchmarks -- --filter '*' --job short
var config = DefaultConfig.Instance.AddColumn(StatisticColumn.OperationsPerSecond);
BenchmarkSwitcher.FromAssembly(typeof(LiveMux.Benchmarks.DepacketizeMuxBenchmarks).Assembly).Run(args, config);
