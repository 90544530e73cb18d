using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using LiveMux.Hub;

namespace LiveMux.Server.Egress.Rtsp;

/// <summary>
/// Streams served to RTSP clients: one <see cref="RtspEgress"/> per stream while any client holds a lease on it,
/// found by the stream itself, so a stream that is removed takes its egress with it. The egress's one subscription
/// counts the leases as the stream's viewers: the first RTSP client starts an idle stream, and the last one leaving
/// starts its idle timer.
/// </summary>
internal sealed class RtspRestream(TimeProvider time, ILogger<RtspRestream> logger)
{
    private readonly ConditionalWeakTable<LiveStream, Restreamed> _streams = [];

    public Lease Acquire(LiveStream stream) => _streams.GetValue(stream, s => new Restreamed(s, time, logger)).Acquire();

    /// <summary>A client's hold on a stream's egress; disposing it lets the egress go with the last one.</summary>
    internal sealed class Lease(Restreamed owner, RtspEgress egress) : IDisposable
    {
        private int _disposed;

        public RtspEgress Egress => egress;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(egress);
            }
        }
    }

    [SuppressMessage("Reliability", "CA1001", Justification = "The egress is disposed when the last lease is released.")]
    internal sealed class Restreamed(LiveStream stream, TimeProvider time, ILogger logger)
    {
        private readonly Lock _gate = new();
        private RtspEgress? _egress;
        private int _leases;

        public Lease Acquire()
        {
            lock (_gate)
            {
                if (_egress is null)
                {
                    _egress = new RtspEgress(stream, time, logger);
                    _egress.Start();
                }

                _egress.Consumers = ++_leases;
                return new Lease(this, _egress);
            }
        }

        public void Release(RtspEgress egress)
        {
            lock (_gate)
            {
                if (!ReferenceEquals(egress, _egress))
                {
                    return;
                }

                _egress.Consumers = --_leases;
                if (_leases > 0)
                {
                    return;
                }

                _egress = null;
            }

            _ = egress.DisposeAsync().AsTask();
        }
    }
}
