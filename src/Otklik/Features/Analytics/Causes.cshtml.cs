using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

/// <summary>
/// Root causes («Первопричины», <c>/office/analytics/causes</c>): the list the person sees and a new record — by hand, or
/// from a spike (the spike's series and window in the query), which links the spike's appeals and marks it confirmed.
/// </summary>
[Authorize]
public sealed class CausesModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public sealed record Row(Guid Id, string Title, RootCauseStatus Status, string? Topic, string? Territory, string Organisation, int Appeals, int Measures, int Overdue);

    public List<Row> Rows { get; private set; } = [];
    public ListDirectory Names { get; private set; } = null!;
    public List<Guid> Managed { get; private set; } = [];
    public string? Error { get; private set; }
    public string? ErrorField { get; private set; }

    [BindProperty(SupportsGet = true)] public string? Series { get; set; }
    [BindProperty(SupportsGet = true)] public SpikeWindow Window { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? Day { get; set; }
    [BindProperty(SupportsGet = true)] public string? Title { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public Guid? OrganisationId { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await IndexModel.MayAsync(user, ct)) return Forbid();
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await IndexModel.MayAsync(user, ct)) return Forbid();
        var managed = await RootCauseAccess.ManagedAsync(user, ct);
        if (managed.Count == 0) return Forbid();
        var names = await ListDirectory.LoadAsync(db, ct);
        var zone = await names.ZoneOfAsync(user, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            var org = OrganisationId ?? await DefaultOrganisationAsync(ct);
            if (org is null || !managed.Contains(org.Value))
                throw new InputException("organisationId", "request.out_of_scope", "Выберите организацию из своей сферы ведения.");
            Guid? topic = null, territory = null;
            if (Series is not null)
                foreach (var part in Series.Split('|'))
                {
                    var kv = part.Split(':', 2);
                    if (kv.Length == 2 && Guid.TryParse(kv[1], out var id)) { if (kv[0] == "topic") topic = id; else if (kv[0] == "territory") territory = id; }
                }
            var cause = RootCause.Create(Title ?? "", Description, topic, territory, org.Value, Series is null ? null : $"{Series}|{Window}|{Day:O}", user.RequiredId, now);
            if (Series is not null && Day is { } day && (topic is not null || territory is not null))
            {
                // The spike's appeals, as the person sees them — the same selection as the spike's number on its page.
                var visible = await AppealAccess.VisibleAsync(db, user, ct);
                var ids = await Spikes.AppealsOf(visible, Series, Window, day, zone.GetUtcOffset(now)).Select(a => a.Id).ToListAsync(ct);
                foreach (var id in ids) cause.Link(id, fromSpike: true, now);
                db.SpikeDecisions.Add(new SpikeDecision
                {
                    Id = Guid.CreateVersion7(), Audience = await AnalyticsData.AudienceAsync(user, ct), Series = Series, Window = Window, LastDay = day,
                    Mark = SpikeMark.Confirmed, RootCauseId = cause.Id, PersonId = user.RequiredId, AtUtc = now,
                });
            }
            db.RootCauses.Add(cause);
            await db.SaveChangesAsync(ct);
            return Redirect($"/office/analytics/causes/{cause.Id}");
        }
        catch (InputException e)
        {
            ErrorField = e.Errors.Keys.FirstOrDefault();
            Error = e.Message;
            await LoadAsync(ct);
            return Page();
        }
    }

    async Task<Guid?> DefaultOrganisationAsync(CancellationToken ct) =>
        (await user.RolesAsync(ct)).FirstOrDefault(r => RootCauseAccess.Managers.Contains(r.Role) && r.OrganisationId is not null)?.OrganisationId;

    async Task LoadAsync(CancellationToken ct)
    {
        Names = await ListDirectory.LoadAsync(db, ct);
        var zone = await Names.ZoneOfAsync(user, ct);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, zone));
        var managed = await RootCauseAccess.ManagedAsync(user, ct);
        Managed = [.. Names.Organisations.Where(o => managed.Contains(o.Id)).Select(o => o.Id)];
        OrganisationId ??= await DefaultOrganisationAsync(ct);
        var visible = await RootCauseAccess.VisibleAsync(db, user, ct);
        var rows = await visible.AsNoTracking().OrderByDescending(c => c.CreatedAtUtc).Take(500)
            .Select(c => new { c.Id, c.Title, c.Status, c.TopicId, c.TerritoryId, c.OrganisationId, Appeals = c.Appeals.Count,
                Measures = c.Measures.Count, Overdue = c.Measures.Count(m => m.DoneAtUtc == null && m.DueOn < today) })
            .ToListAsync(ct);
        Rows = [.. rows.Select(c => new Row(c.Id, c.Title, c.Status, Names.Name(c.TopicId), Names.Name(c.TerritoryId),
            Names.OrganisationName(c.OrganisationId) ?? "", c.Appeals, c.Measures, c.Overdue))];
    }

    public static string StatusText(RootCauseStatus s) => s switch
    {
        RootCauseStatus.Open => "открыта",
        RootCauseStatus.InProgress => "принимаются меры",
        _ => "устранена",
    };
}
