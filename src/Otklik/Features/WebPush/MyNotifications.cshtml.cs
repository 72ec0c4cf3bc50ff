using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.WebPush;

/// <summary>
/// «Уведомления в браузере» (ADR 0040), a screen of its own under /my: the person's one setting, what it sends, and the
/// browsers they connected, each of which they can disconnect here (also without JavaScript). Only the person's rows.
/// </summary>
[Authorize]
public sealed class MyNotificationsModel(AppDbContext db, CurrentUser user, WebPushKeys keys, TimeProvider clock) : PageModel
{
    public sealed record BrowserRow(Guid Id, string Endpoint, string Service, DateTime ConnectedAtUtc, DateTime? LastSentAtUtc);

    public bool Enabled { get; private set; }
    /// <summary>False when the portal has no VAPID keys: nothing can be sent, so the page says so instead of a switch.</summary>
    public bool Available { get; private set; }
    public IReadOnlyList<BrowserRow> Browsers { get; private set; } = [];
    [TempData] public string? Done { get; set; }
    TimeZoneInfo _zone = TimeZoneInfo.Utc;

    public string Local(DateTime utc) => Moderation.ModerationScreens.Local(utc, _zone);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var me = user.RequiredId;
        Enabled = await db.PushPreferences.AnyAsync(p => p.PersonId == me && p.Enabled, ct);
        // A person belongs to no organisation: the portal's times are the region's default zone, as on the appeal pages.
        _zone = await Moderation.ModerationScreens.ZoneOfAsync(db, null, ct);
        Available = await keys.GetAsync(db, clock.GetUtcNow().UtcDateTime, ct) is not null;
        Browsers = [.. (await db.WebPushSubscriptions.AsNoTracking().Where(s => s.PersonId == me).OrderBy(s => s.CreatedAtUtc)
                .Select(s => new { s.Id, s.Endpoint, s.CreatedAtUtc, s.LastSentAtUtc }).ToListAsync(ct))
            .Select(s => new BrowserRow(s.Id, s.Endpoint, ServiceOf(s.Endpoint), s.CreatedAtUtc, s.LastSentAtUtc))];
    }

    /// <summary>Disconnects one of the person's browsers; another person's id changes nothing.</summary>
    public async Task<IActionResult> OnPostForgetAsync(Guid id, CancellationToken ct)
    {
        var me = user.RequiredId;
        var gone = await db.WebPushSubscriptions.Where(s => s.Id == id && s.PersonId == me).ExecuteDeleteAsync(ct);
        Done = gone > 0 ? "Браузер отключён: уведомления в него больше не придут." : "Этот браузер уже отключён.";
        return RedirectToPage();
    }

    /// <summary>The browser is known only by its push service: enough for a person to tell their phone from their laptop.</summary>
    public static string ServiceOf(string endpoint)
    {
        var host = Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri.Host : "";
        return host switch
        {
            "fcm.googleapis.com" or "android.googleapis.com" => "Chrome, Яндекс Браузер, Edge или другой на Chromium",
            _ when host.EndsWith(".mozilla.com", StringComparison.OrdinalIgnoreCase) => "Firefox",
            _ when host.EndsWith(".push.apple.com", StringComparison.OrdinalIgnoreCase) => "Safari",
            _ when host.EndsWith(".notify.windows.com", StringComparison.OrdinalIgnoreCase) => "Edge (Windows)",
            _ => $"Браузер (служба {host})",
        };
    }
}
