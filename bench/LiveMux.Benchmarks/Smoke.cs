using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace LiveMux.Benchmarks;

/// <summary>
/// `-- --smoke`: runs every benchmark of every parameter set a few hundred times in-process and prints the bytes
/// each operation allocated (to within a few bytes per invoke of reflection noise), in seconds: a check that
/// setups work and hot paths stay at 0 B before a real run.
/// </summary>
internal static class Smoke
{
    public static int Run()
    {
        var failed = 0;
        foreach (var type in typeof(Smoke).Assembly.GetTypes().Where(t => t is { IsPublic: true, IsAbstract: false } && t.GetMethods().Any(IsBenchmark)))
        {
            var param = type.GetProperties().FirstOrDefault(p => p.GetCustomAttribute<ParamsAttribute>() is not null);
            foreach (var value in param?.GetCustomAttribute<ParamsAttribute>()!.Values ?? [null])
            {
                foreach (var method in type.GetMethods().Where(IsBenchmark))
                {
                    // A fresh instance per benchmark, as BenchmarkDotNet's process per benchmark gives.
                    var instance = Activator.CreateInstance(type)!;
                    param?.SetValue(instance, value);
                    Invoke<GlobalSetupAttribute>(instance);
                    var ops = method.GetCustomAttribute<BenchmarkAttribute>()!.OperationsPerInvoke;
                    try
                    {
                        method.Invoke(instance, null);
                        var before = GC.GetAllocatedBytesForCurrentThread();
                        const int Invokes = 200;
                        for (var i = 0; i < Invokes; i++)
                        {
                            method.Invoke(instance, null);
                        }

                        var perOp = (double)(GC.GetAllocatedBytesForCurrentThread() - before - (Invokes * InvokeOverhead(method.ReturnType))) / (Invokes * ops);
                        Console.WriteLine($"{type.Name,-30} {value,-16} {method.Name,-12} {perOp,10:F1} B/op");
                    }
                    catch (TargetInvocationException e)
                    {
                        failed++;
                        Console.WriteLine($"{type.Name,-30} {value,-16} {method.Name,-12} FAILED: {e.InnerException?.Message}");
                    }

                    Invoke<GlobalCleanupAttribute>(instance);
                }
            }
        }

        return failed == 0 ? 0 : 1;
    }

    /// <summary>What MethodInfo.Invoke itself allocates (the boxed result), measured on a method that allocates nothing.</summary>
    private static long InvokeOverhead(Type returnType)
    {
        var probe = typeof(Smoke).GetMethod(returnType == typeof(long) ? nameof(ZeroLong) : nameof(Zero), BindingFlags.NonPublic | BindingFlags.Static)!;
        probe.Invoke(null, null);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            probe.Invoke(null, null);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
    }

    private static int Zero() => 0;

    private static long ZeroLong() => 0;

    private static bool IsBenchmark(MethodInfo method) => method.GetCustomAttribute<BenchmarkAttribute>() is not null;

    private static void Invoke<T>(object instance)
        where T : Attribute
    {
        foreach (var method in instance.GetType().GetMethods().Where(m => m.GetCustomAttribute<T>() is not null))
        {
            method.Invoke(instance, null);
        }
    }
}
