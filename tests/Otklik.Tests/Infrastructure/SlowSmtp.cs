using System.Net;
using System.Net.Sockets;

namespace Otklik.Tests.Infrastructure;

/// <summary>
/// A slow mail relay: a local TCP listener that holds each connection for <paramref name="delay"/> before passing it,
/// byte for byte, to the SMTP sink of the run (scripts/test.sh). The letters still land in the sink's folder, so a
/// test reads back what was really delivered — as a relay that answers late would deliver it.
/// </summary>
public sealed class SlowSmtp : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stop = new();
    readonly Task _accepting;
    readonly int _upstream;
    readonly TimeSpan _delay;
    int _connections;

    public SlowSmtp(TimeSpan delay)
    {
        _upstream = MailBox.RequireSink();
        _delay = delay;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many connections (one a letter) the relay has taken.</summary>
    public int Connections => Volatile.Read(ref _connections);

    async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    async Task RelayAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await Task.Delay(_delay, _stop.Token);
                using var server = new TcpClient();
                await server.ConnectAsync(IPAddress.Loopback, _upstream, _stop.Token);
                var a = client.GetStream();
                var b = server.GetStream();
                var up = a.CopyToAsync(b, _stop.Token);
                var down = b.CopyToAsync(a, _stop.Token);
                await Task.WhenAny(up, down);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
