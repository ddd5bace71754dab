using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ConsentGateway.Testing;

/// <summary>
/// A loopback TCP forwarder in front of a server (e.g. Azurite), for outages on demand:
/// <see cref="Break"/> resets every open connection and refuses new ones (nothing listens on the
/// port any more), <see cref="Restore"/> listens on the same port again. What reaches the target
/// in between is nothing.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposed = new();
    private TcpListener? _listener;

    public TcpForwarder(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        Port = Listen(0);
    }

    /// <summary>The loopback port to connect to instead of the target's.</summary>
    public int Port { get; }

    /// <summary>Resets every open connection (RST) and stops listening: connects are refused until <see cref="Restore"/>.</summary>
    public void Break()
    {
        lock (_gate)
        {
            _listener?.Stop();
            _listener = null;
            foreach (var socket in _open.Keys)
            {
                Reset(socket);
            }
        }
    }

    /// <summary>Listens on <see cref="Port"/> again and forwards every new connection.</summary>
    public void Restore()
    {
        lock (_gate)
        {
            if (_listener is null)
            {
                Listen(Port);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        Break();
        _disposed.Dispose();
    }

    private int Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _ = AcceptAsync(listener);
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_disposed.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(_disposed.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return; // stopped by Break or DisposeAsync
            }

            _ = ForwardAsync(listener, client);
        }
    }

    private async Task ForwardAsync(TcpListener acceptedBy, Socket client)
    {
        using var target = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        lock (_gate)
        {
            // Accepted just as Break ran (its listener is gone): it would outlive the outage.
            if (_listener != acceptedBy)
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
