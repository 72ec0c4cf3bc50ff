using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Features.Execution;
using Otklik.Infrastructure;

namespace Otklik.Features.Notifications;

/// <summary>The person's notices, newest first, unread marked; one or all are marked read by a form post (page handlers).</summary>
[Authorize]
public sealed class IndexModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public long? Before { get; set; }
    public IReadOnlyList<Notification> Rows { get; private set; } = [];
    public long? Next { get; private set; }
    public int Unread { get; private set; }
    public string? Done { get; private set; }
    public TimeZoneInfo Zone { get; private set; } = TimeZones.Find("Europe/Moscow");

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostReadAsync(long id, CancellationToken ct)
    {
        if (!await NotificationsApi.MarkReadAsync(db, user.RequiredId, id, clock.GetUtcNow().UtcDateTime, ct)) return NotFound();
        return Redirect(Before is { } b ? $"/office/notices?before={b}#n{id}" : $"/office/notices#n{id}");
    }

    public async Task<IActionResult> OnPostReadAllAsync(CancellationToken ct)
    {
        var marked = await NotificationsApi.MarkAllReadAsync(db, user.RequiredId, clock.GetUtcNow().UtcDateTime, ct);
        Done = marked == 0 ? "Непрочитанных уведомлений нет." : $"Отмечено прочитанными: {marked}.";
        await LoadAsync(ct);
        return Page();
    }

    async Task LoadAsync(CancellationToken ct)
    {
        var page = await NotificationsApi.PageAsync(db, user.RequiredId, PageSize, Before, ct);
        (Rows, Next) = (page.Rows, page.Next);
        Unread = await NotificationsApi.UnreadAsync(db, user.RequiredId, ct);
        // Times in the zone of the person's organisation (the first of their roles).
        var org = (await user.RolesAsync(ct)).Select(r => r.OrganisationId).FirstOrDefault(o => o is not null);
        Zone = (await LocalTimes.LoadAsync(db, ct)).ZoneOf(org);
    }

    public string Local(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone).ToString("dd.MM.yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
