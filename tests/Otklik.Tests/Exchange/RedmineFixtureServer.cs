using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Otklik.Tests.Exchange;

/// <summary>
/// A local HTTP server that answers as the recorded Redmine did: each request's path and query name a file of
/// Fixtures/redmine (scripts/record-redmine.sh saves them under the same rule), served byte for byte. A request without
/// the recorded API key gets 401, as from Redmine; <see cref="FailOn"/> makes a path answer 500 (a Redmine that falls over
/// in the middle of an import).
/// </summary>
public sealed partial class RedmineFixtureServer : IDisposable
{
    public const string Key = "recorded-admin-key";
    readonly HttpListener _listener = new();
    readonly string _directory = Path.Combine(AppContext.BaseDirectory, "Exchange", "Fixtures", "redmine");
    readonly CancellationTokenSource _stop = new();

    public Uri Url { get; }
    public ConcurrentQueue<string> Requests { get; } = new();
    /// <summary>A path and query that answers 500 while set.</summary>
    public string? FailOn { get; set; }

    public RedmineFixtureServer()
    {
        var port = FreePort();
        // Under a path of its own (Redmine served at a sub-URI), so that a port the system hands out again is still another Redmine.
        Url = new Uri($"http://127.0.0.1:{port}/redmine-{Guid.NewGuid():N}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    /// <summary>The file name of a recorded response: the path and query with every character but letters, digits, '.' and '-' as '_'.</summary>
    public static string FileName(string pathAndQuery) => Unsafe().Replace(pathAndQuery, "_");

    [GeneratedRegex("[^A-Za-z0-9.-]")]
    private static partial Regex Unsafe();

    async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (HttpListenerException) { return; }
            var pathAndQuery = Uri.UnescapeDataString(context.Request.Url!.PathAndQuery)[(Url.AbsolutePath.Length - 1)..];
            Requests.Enqueue(pathAndQuery);
            var response = context.Response;
            var file = Path.Combine(_directory, FileName(pathAndQuery));
            if (context.Request.Headers["X-Redmine-API-Key"] != Key) response.StatusCode = 401;
            else if (pathAndQuery == FailOn) response.StatusCode = 500;
            else if (!File.Exists(file)) response.StatusCode = 404;
            else
            {
                var bytes = await File.ReadAllBytesAsync(file);
                response.ContentType = pathAndQuery.Contains(".json", StringComparison.Ordinal) ? "application/json; charset=utf-8" : "application/octet-stream";
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes);
            }
            response.Close();
        }
    }

    static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
