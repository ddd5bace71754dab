using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ConsentGateway.Http;

/// <summary>
/// Counts refused credentials per source address in a fixed window. Unlike a rate limiter's lease,
/// it is consulted before a credential is checked and charged only after one was refused, so a
/// source that keeps guessing is refused unchecked while a caller with a valid key is never charged.
/// An IPv6 source counts by its /64 (what one host is usually given); behind a reverse proxy the
/// source is the proxy.
/// </summary>
internal sealed class FailedAuthenticationGate : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _failures;

    // While nothing was refused for two windows, no source can be over its limit (each window has
    // been replenished since): the common case then costs no partition lookup (it takes a lock).
    private readonly long _quietMilliseconds;
    private long _lastFailureAt = long.MinValue / 2;

    public FailedAuthenticationGate(IOptions<RateLimitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var window = options.Value.FailedAuthentication;
        _quietMilliseconds = (long)(2 * window.Window.TotalMilliseconds);
        var limiterOptions = new FixedWindowRateLimiterOptions { PermitLimit = window.PermitLimit, Window = window.Window, QueueLimit = 0, AutoReplenishment = true };
        _failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(source => RateLimitPartition.GetFixedWindowLimiter(source, _ => limiterOptions));
    }

    /// <summary>Whether the request's source may still have a credential checked; when not, how long until it may.</summary>
    public bool MayTry(HttpContext context, out TimeSpan? retryAfter)
    {
        retryAfter = null;
        if (Environment.TickCount64 - Volatile.Read(ref _lastFailureAt) > _quietMilliseconds)
        {
            return true;
        }

        using var lease = _failures.AttemptAcquire(SourceOf(context), 0);
        retryAfter = !lease.IsAcquired && lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : null;
        return lease.IsAcquired;
    }

    /// <summary>Charges the request's source with one refused credential.</summary>
    public void Failed(HttpContext context)
    {
        Volatile.Write(ref _lastFailureAt, Environment.TickCount64);
        using var lease = _failures.AttemptAcquire(SourceOf(context));
    }

    public void Dispose() => _failures.Dispose();

    private static IPAddress SourceOf(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return IPAddress.None;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }
}
