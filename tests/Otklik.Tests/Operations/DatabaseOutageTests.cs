using System.Net;
using System.Net.Sockets;
using Npgsql;
using Otklik.Tests.Deployment;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Operations;

/// <summary>
/// PostgreSQL goes away under a running node (issue 21 item 7): every request that needs it is answered 503 with
/// Retry-After — ProblemDetails for the API, a Russian page for a browser — the outage is logged once, not once per
/// statement, and the node serves again by itself when the database returns. The database is cut off the way a
/// restart or a network failure cuts it: the node reaches it through a TCP relay that the test closes (every
/// connection reset, the port refusing) and opens again on the same port.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task While_PostgreSQL_is_down_requests_get_503_with_Retry_After_the_outage_is_logged_once_and_the_node_recovers()
    {
        await using var database = await ScratchDatabase.CreateAsync(Engine.Postgres);
        var direct = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var relay = new TcpRelay(direct.Host!, direct.Port);
        relay.Open();
        var proxied = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = relay.Port, Timeout = 5, MaxPoolSize = 60 };
        await using var app = await TestApp.StartAsync(Engine.Postgres, settings: new Dictionary<string, string?> { ["ConnectionStrings:Otklik"] = proxied.ConnectionString });
        var api = app.ClientAs(Persona.CentreOperator);
        using var browser = app.ClientAs(Persona.CentreOperator);
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        await api.GetAsync("/api/v1/appeals").Expect(HttpStatusCode.OK);
        await browser.GetAsync("/office/appeals").Expect(HttpStatusCode.OK);
        var logged = app.ServerLog.Entries.Count;

        relay.Close();
        for (var i = 0; i < 100; i++)
        {
            using var response = await api.GetAsync("/api/v1/appeals");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
            var problem = await response.ProblemAsync();
            Assert.Equal("service.unavailable", problem.GetProperty("code").GetString());
        }
        for (var i = 0; i < 10; i++)
        {
            using var page = await browser.GetAsync("/office/appeals");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.NotNull(page.Headers.RetryAfter);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Сервис временно недоступен", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // 110 refused requests, one line: the outage's start (warnings and errors are what the test log keeps).
        var during = app.ServerLog.Entries.Skip(logged).ToList();
        Assert.True(during.Count == 1, "expected one line for the outage, got:\n" + string.Join("\n", during));
        Assert.Contains("The database cannot be reached", during[0].Message, StringComparison.Ordinal);

        relay.Open();
        HttpStatusCode last = default;
        for (var attempt = 0; attempt < 100 && last != HttpStatusCode.OK; attempt++)
        {
            if (attempt > 0) await Task.Delay(100);
            using var response = await api.GetAsync("/api/v1/appeals");
            last = response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, last);
        await browser.GetAsync("/office/appeals").Expect(HttpStatusCode.OK);
        var after = app.ServerLog.Entries.Skip(logged).ToList();
        Assert.Contains(after, e => e.Message.Contains("reachable again", StringComparison.Ordinal));
        Assert.True(after.Count <= 3, "the outage took more than its start and end lines:\n" + string.Join("\n", after));
    }
}

/// <summary>A TCP relay on a fixed local port to a target; closing it resets every relayed connection and refuses new ones.</summary>
public sealed class TcpRelay(string host, int port) : IAsyncDisposable
{
    readonly object _gate = new();
    readonly List<TcpClient> _open = [];
    TcpListener? _listener;
    CancellationTokenSource? _stop;

    public int Port { get; private set; }

    public void Open()
    {
        lock (_gate)
        {
            var listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            _listener = listener;
            _stop = new CancellationTokenSource();
            _ = AcceptAsync(listener, _stop.Token);
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            _stop?.Cancel();
            _listener?.Stop();
            foreach (var client in _open)
            {
                try { client.Client.LingerState = new LingerOption(true, 0); } catch (ObjectDisposedException) { } catch (SocketException) { }
                client.Dispose();
            }
            _open.Clear();
            _listener = null;
        }
    }

    async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try { inbound = await listener.AcceptTcpClientAsync(stop); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            var outbound = new TcpClient();
            try { await outbound.ConnectAsync(host, port, stop); }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }
            lock (_gate)
            {
                if (stop.IsCancellationRequested) { inbound.Dispose(); outbound.Dispose(); return; }
                _open.Add(inbound);
                _open.Add(outbound);
            }
            _ = PumpAsync(inbound, outbound, stop);
            _ = PumpAsync(outbound, inbound, stop);
        }
    }

    static async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken stop)
    {
        try { await from.GetStream().CopyToAsync(to.GetStream(), stop); }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or SocketException) { }
        try { to.Client.Shutdown(SocketShutdown.Send); } catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}
