using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Meetings;

/// <summary>
/// Meetings with business (issue 18.5): the meetings organised by the person's organisations, newest first, and a short
/// form to record a new one (title, date and time in the organiser's zone, place, organiser). Operators and
/// administrators: the people who key in what was heard.
/// </summary>
[Authorize]
public sealed class IndexModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public sealed record Row(Guid Id, string Title, DateTime HeldAtUtc, string Place, string Organiser, int Questions);

    public IReadOnlyList<Row> Meetings { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Organisers { get; private set; } = [];
    public Dictionary<string, string> Errors { get; } = [];
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? HeldAt { get; set; }
    [BindProperty] public string? Place { get; set; }
    [BindProperty] public Guid? OrganiserId { get; set; }

    public string? ErrorFor(string field) => Errors.GetValueOrDefault(field);

    public string Local(DateTime utc) => MeetingAccess.Local(utc, Zone);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await MeetingAccess.MayKeepAsync(user, ct)) return Forbid();
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await MeetingAccess.MayKeepAsync(user, ct)) return Forbid();
        await LoadAsync(ct);
        var title = Title?.Trim() ?? "";
        var place = Place?.Trim() ?? "";
        if (title.Length == 0) Errors["title"] = "Укажите тему встречи.";
        else if (title.Length > Meeting.MaxTitle) Errors["title"] = $"Тема — не длиннее {Meeting.MaxTitle} знаков.";
        if (place.Length == 0) Errors["place"] = "Укажите место встречи.";
        else if (place.Length > Meeting.MaxPlace) Errors["place"] = $"Место — не длиннее {Meeting.MaxPlace} знаков.";
        if (OrganiserId is not { } organiser || Organisers.All(o => o.Id != organiser)) Errors["organiserId"] = "Выберите организацию-организатора из списка.";
        DateTime local = default;
        if (string.IsNullOrWhiteSpace(HeldAt) || !DateTime.TryParseExact(HeldAt.Trim(), ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out local))
            Errors["heldAt"] = "Укажите дату и время встречи, например 22.11.2026 15:30.";
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var zone = await MeetingAccess.ZoneAsync(db, OrganiserId, ct);
        var meeting = new Meeting
        {
            Id = Guid.CreateVersion7(), Title = title, Place = place, OrganiserOrganisationId = OrganiserId!.Value, CreatedById = user.RequiredId,
            HeldAtUtc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone), CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        };
        db.Meetings.Add(meeting);
        await db.SaveChangesAsync(ct);
        return Redirect($"/office/meetings/{meeting.Id}?done=" + Uri.EscapeDataString("Встреча записана. Добавьте участников и вопросы."));
    }

    async Task LoadAsync(CancellationToken ct)
    {
        var scope = await MeetingAccess.ScopeAsync(user, ct);
        Organisers = [.. (await db.Organisations.AsNoTracking().Where(o => scope.Contains(o.Id)).Select(o => new { o.Id, o.Name, o.Path }).ToListAsync(ct))
            .OrderBy(o => o.Path, StringComparer.Ordinal).Select(o => (o.Id, o.Name))];
        OrganiserId ??= Organisers.Count > 0 ? Organisers[0].Id : null;
        Zone = await MeetingAccess.ZoneAsync(db, OrganiserId, ct);
        HeldAt ??= TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, Zone).ToString("yyyy-MM-ddTHH:00", CultureInfo.InvariantCulture);
        Meetings = await db.Meetings.AsNoTracking().Where(m => scope.Contains(m.OrganiserOrganisationId)).OrderByDescending(m => m.HeldAtUtc).Take(100)
            .Select(m => new Row(m.Id, m.Title, m.HeldAtUtc, m.Place, db.Organisations.Where(o => o.Id == m.OrganiserOrganisationId).Select(o => o.Name).First(),
                db.MeetingQuestions.Count(q => q.MeetingId == m.Id)))
            .ToListAsync(ct);
    }
}

/// <summary>Who keeps the meetings and where: operators and administrators, for the organisations their roles reach.</summary>
public static class MeetingAccess
{
    public static async Task<bool> MayKeepAsync(CurrentUser user, CancellationToken ct) =>
        (await user.RolesAsync(ct)).Any(r => r.Role is Role.Operator or Role.Administrator);

    public static Task<HashSet<Guid>> ScopeAsync(CurrentUser user, CancellationToken ct) => user.ScopeAsync(ct, Role.Operator, Role.Administrator);

    public static async Task<TimeZoneInfo> ZoneAsync(AppDbContext db, Guid? organisationId, CancellationToken ct)
    {
        var id = organisationId is null ? null : await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.TimeZone).SingleOrDefaultAsync(ct);
        return TimeZones.Find(id is not null && TimeZones.IsValid(id) ? id : "Europe/Moscow");
    }

    public static string Local(DateTime utc, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture);
}
