namespace LiveMux.Hub.Tests;

public sealed class BackoffTests
{
    [Theory]
    [InlineData(1000, 5000, new[] { 1000.0, 1600, 2560, 4096, 5000, 5000, 5000 })]
    [InlineData(250, 5000, new[] { 250.0, 400, 640, 1024, 1638.4, 2621.44, 4194.304, 5000, 5000 })]
    [InlineData(2000, 2000, new[] { 2000.0, 2000, 2000 })]
    public void Delays_grow_by_the_factor_up_to_the_cap_within_the_jitter(int initialMs, int maxMs, double[] nominalMs)
    {
        var min = new double[nominalMs.Length];
        var max = new double[nominalMs.Length];
        Array.Fill(min, double.MaxValue);
        for (var run = 0; run < 300; run++)
        {
            var backoff = new Backoff(TimeSpan.FromMilliseconds(initialMs), TimeSpan.FromMilliseconds(maxMs));
            for (var i = 0; i < nominalMs.Length; i++)
            {
                var delay = backoff.Next().TotalMilliseconds;
                Assert.InRange(delay, nominalMs[i] * 0.8 - 0.01, nominalMs[i] * 1.2 + 0.01);
                min[i] = Math.Min(min[i], delay);
                max[i] = Math.Max(max[i], delay);
                Assert.Equal(i + 1, backoff.Attempts);
            }
        }

        // Jitter really spreads retries: 300 draws cover most of the +-20 % band.
        for (var i = 0; i < nominalMs.Length; i++)
        {
            Assert.True(max[i] - min[i] > nominalMs[i] * 0.3, $"step {i}: {min[i]}..{max[i]}");
        }
    }

    [Fact]
    public void Reset_starts_again_from_the_initial_delay()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        for (var i = 0; i < 6; i++)
        {
            backoff.Next();
        }

        Assert.True(backoff.Next() > TimeSpan.FromSeconds(10));
        backoff.Reset();
        Assert.Equal(0, backoff.Attempts);
        Assert.InRange(backoff.Next(), TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
        Assert.InRange(backoff.Next(), TimeSpan.FromSeconds(1.28), TimeSpan.FromSeconds(1.92));
    }
}
