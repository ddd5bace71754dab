using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ConsentGateway.Testing;

/// <summary>
/// A loopback TCP forwarder in front of a server (e.g. Azurite), for outages on demand:
/// <see cref="Break"/> resets every open connection and every new one as soon as it is accepted,
/// <see cref="Restore"/> forwards new connections again. What reaches the target in between is
/// nothing. The port stays bound throughout: released during an outage, it could be handed to
/// another server of the test run (any listener on port 0), whose answers would then pass for the
/// store's.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly TcpListener _listener;
    private bool _broken;

    public TcpForwarder(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    /// <summary>The loopback port to connect to instead of the target's.</summary>
    public int Port { get; }

    /// <summary>Resets every open connection (RST), and every new one once accepted, until <see cref="Restore"/>.</summary>
    public void Break()
    {
        lock (_gate)
        {
            _broken = true;
            foreach (var socket in _open.Keys)
            {
                Reset(socket);
            }
        }
    }

    /// <summary>Forwards every new connection again.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            _broken = false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Break();
        _disposed.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_disposed.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_disposed.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return; // stopped by DisposeAsync
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        using var target = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        lock (_gate)
        {
            // During an outage (or accepted just as Break ran): reset, so nothing outlives it.
            if (_broken)
            {
                Reset(client);
                return;
            }

            _open[client] = 0;
            _open[target] = 0;
        }

        try
        {
            await target.ConnectAsync(_target, _disposed.Token).ConfigureAwait(false);
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);

            // Either side closing (or a reset by Break) ends both directions.
            await Task.WhenAny(PumpAsync(client, target, cancel.Token), PumpAsync(target, client, cancel.Token)).ConfigureAwait(false);
            await cancel.CancelAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The target is gone or the forwarder stops: the client's connection is reset below.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(target, out _);
            Reset(client);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Reset or stopped: the other direction ends with it.
        }
    }

    // Linger 0: closing sends RST, as a dropped connection does, not an orderly FIN.
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            // Already closed.
        }
    }
}
