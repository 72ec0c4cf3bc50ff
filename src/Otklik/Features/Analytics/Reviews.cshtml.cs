using System.Globalization;
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
/// The sample review of answers (<c>/office/analytics/reviews</c>, ADR 0036): the samples of the organisations the person
/// reaches as analyst or controller, and a new draw — organisation, period of receipt, size, seed (empty: a new random
/// one; the same seed over the same answers draws the same sample).
/// </summary>
[Authorize]
public sealed class ReviewsModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public sealed record Row(Guid Id, Guid OrganisationId, DateOnly FromOn, DateOnly ToOn, int Size, int Seed, int Population, int Items, int Reviewed, double? Score, DateTime CreatedAtUtc);

    public const int DefaultSize = 10;

    [BindProperty] public Guid? OrganisationId { get; set; }
    [BindProperty] public string? From { get; set; }
    [BindProperty] public string? To { get; set; }
    [BindProperty] public int? Size { get; set; }
    [BindProperty] public int? Seed { get; set; }

    public List<Row> Rows { get; private set; } = [];
    public List<Guid> Organisations { get; private set; } = [];
    public ListDirectory Names { get; private set; } = null!;
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public string? Error { get; private set; }
    public string? ErrorField { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var scope = await ReviewAccess.OrganisationsAsync(user, ct);
        if (scope.Count == 0) return Forbid();
        await LoadAsync(scope, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var scope = await ReviewAccess.OrganisationsAsync(user, ct);
        if (scope.Count == 0) return Forbid();
        var names = await ListDirectory.LoadAsync(db, ct);
        var zone = await names.ZoneOfAsync(user, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            if (OrganisationId is not { } org || !scope.Contains(org))
                throw new InputException("organisationId", "request.out_of_scope", "Выберите организацию из своей сферы ведения.");
            var period = AnalyticsFilter.Parse(From, To, null, null, null, null, null, null, now, zone);
            var population = await ReviewAccess.Population(await AppealAccess.VisibleAsync(db, user, ct), period, org).ToListAsync(ct);
            var seed = Seed ?? Random.Shared.Next(1, 1_000_000);
            if (seed is < 0 or > 999_999_999) throw new InputException("seed", "request.out_of_range", "Зерно — целое число от 0 до 999 999 999.");
            var sample = ReviewSample.Draw(org, period.From, period.To, Size ?? DefaultSize, seed, population, user.RequiredId, now);
            db.ReviewSamples.Add(sample);
            await db.SaveChangesAsync(ct);
            return Redirect($"/office/analytics/reviews/{sample.Id}");
        }
        catch (InputException e)
        {
            ErrorField = e.Errors.Keys.FirstOrDefault();
            Error = e.Message;
            await LoadAsync(scope, ct);
            return Page();
        }
    }

    async Task LoadAsync(HashSet<Guid> scope, CancellationToken ct)
    {
        Names = await ListDirectory.LoadAsync(db, ct);
        Zone = await Names.ZoneOfAsync(user, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, Zone));
        From ??= today.AddDays(-AnalyticsFilter.DefaultDays + 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        To ??= today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Organisations = [.. Names.Organisations.Where(o => scope.Contains(o.Id)).Select(o => o.Id)];
        OrganisationId ??= Organisations.FirstOrDefault();
        var ids = scope.ToList();
        Rows = await db.ReviewSamples.AsNoTracking().Where(s => ids.Contains(s.OrganisationId)).OrderByDescending(s => s.CreatedAtUtc).Take(200)
            .Select(s => new Row(s.Id, s.OrganisationId, s.FromOn, s.ToOn, s.Size, s.Seed, s.Population, s.Items.Count, s.Items.Count(i => i.Score != null),
                s.Items.Average(i => i.Score), s.CreatedAtUtc))
            .ToListAsync(ct);
    }
}
