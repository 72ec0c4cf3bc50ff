using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Notifications;

/// <summary>
/// The bell's live end (issue 21 item 2, ADR 0046): a signed-in office page holds a SignalR connection to
/// <see cref="Path"/> on whichever node nginx gave it; when a person's notices change on ANY node (written by that node's
/// outbox dispatcher, or read in another tab), the node tells every node through <see cref="ClusterSignals"/> (PostgreSQL
/// LISTEN/NOTIFY, the same channel as the caches), and each node pushes "notices" to that person's connections. The page
/// then asks for the unread count as it always did. Polling stays as the fallback of a page whose connection is down.
/// </summary>
public static class LiveNotices
{
    public const string Path = "/hubs/notices";
    /// <summary>The message a connection receives: the person's notices changed.</summary>
    public const string Changed = "notices";

    public static IServiceCollection AddLiveNotices(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddSingleton<LiveConnections>();
        return services;
    }

    public static void MapLiveNotices(this WebApplication app)
    {
        app.MapHub<NoticesHub>(Path).RequireAuthorization();
        // A stopping node closes its live connections at once: the pages reconnect (to another node behind nginx) and the
        // server does not wait out its shutdown timeout for sockets that would never end by themselves.
        var live = app.Services.GetRequiredService<LiveConnections>();
        app.Lifetime.ApplicationStopping.Register(live.AbortAll);
        var hub = app.Services.GetRequiredService<IHubContext<NoticesHub>>();
        app.Services.GetRequiredService<ClusterSignals>().Subscribe(ClusterSignals.Notices, payload =>
        {
            var people = payload.Split(',', StringSplitOptions.RemoveEmptyEntries);
            if (people.Length > 0) _ = hub.Clients.Users(people).SendAsync(Changed);
        });
    }

    /// <summary>Tells every node that these people's notices changed (call it after the change committed).</summary>
    public static void Tell(AppDbContext db, IEnumerable<Guid> people)
    {
        var list = people.Distinct().Select(p => p.ToString()).ToList();
        if (list.Count == 0) return;
        var app = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        // A NOTIFY payload holds 8,000 bytes: 200 people (37 bytes each) a signal.
        if (app?.GetService(typeof(ClusterSignals)) is ClusterSignals signals)
            foreach (var chunk in list.Chunk(200)) signals.Publish(ClusterSignals.Notices, string.Join(',', chunk));
    }
}

/// <summary>Nothing to call: the server only pushes. A connection is the signed-in person's (their id is the SignalR user).</summary>
[Authorize]
public sealed class NoticesHub(LiveConnections live) : Hub
{
    public override Task OnConnectedAsync()
    {
        live.Add(Context);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        live.Remove(Context);
        return Task.CompletedTask;
    }
}

/// <summary>The node's open live connections, so that a stopping node can close them (<see cref="LiveNotices.MapLiveNotices"/>).</summary>
public sealed class LiveConnections
{
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, HubCallerContext> _open = new();

    public void Add(HubCallerContext context) => _open[context.ConnectionId] = context;
    public void Remove(HubCallerContext context) => _open.TryRemove(context.ConnectionId, out _);

    public void AbortAll()
    {
        foreach (var context in _open.Values) context.Abort();
    }
}
