using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Otklik.Tests.Social;

/// <summary>
/// A real HTTP server on a free port of this machine, standing in for the other side of a channel (an incident
/// collector, the Telegram Bot API, the VK API): it records every request it receives and answers as <see cref="Respond"/> says.
/// </summary>
public sealed class FakeServer : IAsyncDisposable
{
    public sealed record Received(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string ContentType, byte[] Body)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);
    }

    public sealed record Reply(int Status, string ContentType, byte[] Body)
    {
        public static Reply Json(string json, int status = 200) => new(status, "application/json", System.Text.Encoding.UTF8.GetBytes(json));
    }

    readonly WebApplication _app;
    public ConcurrentQueue<Received> Requests { get; } = new();
    public Func<Received, Reply> Respond { get; set; } = _ => Reply.Json("{}");
    public Uri BaseAddress { get; private set; } = null!;

    FakeServer(WebApplication app) => _app = app;

    public static async Task<FakeServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeServer(app);
        app.Run(async http =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            var received = new Received(http.Request.Method, http.Request.Path.Value ?? "", http.Request.QueryString.Value ?? "",
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                http.Request.ContentType ?? "", buffer.ToArray());
            server.Requests.Enqueue(received);
            var reply = server.Respond(received);
            http.Response.StatusCode = reply.Status;
            http.Response.ContentType = reply.ContentType;
            await http.Response.Body.WriteAsync(reply.Body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public List<Received> To(string pathEnd) => [.. Requests.Where(r => r.Path.EndsWith(pathEnd, StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
