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
        return services;
    }

    public static void MapLiveNotices(this WebApplication app)
    {
        app.MapHub<NoticesHub>(Path).RequireAuthorization();
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
public sealed class NoticesHub : Hub;
