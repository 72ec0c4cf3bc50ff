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
/// One root cause (<c>/office/analytics/causes/{id}</c>): its appeals, its measures (late ones marked), and for those who
/// manage its organisation: link an appeal by number, add a measure (its owner organisation is told in the office),
/// mark a measure done, change the status.
/// </summary>
[Authorize]
public sealed class CauseModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public sealed record AppealRow(Guid Id, string Number, AppealStatus Status, DateTime ReceivedAtUtc, bool FromSpike, bool Automatic, bool Suggested = false);

    /// <summary>Appeals that look like the same cause by text and place, for those who manage it (ADR 0049).</summary>
    public List<CauseSuggestions.AppealSuggestion> Suggestions { get; private set; } = [];

    public RootCause Cause { get; private set; } = null!;
    public List<AppealRow> Linked { get; private set; } = [];
    /// <summary>Linked appeals the person may not open (another organisation's): counted, not shown.</summary>
    public int Hidden { get; private set; }
    public ListDirectory Names { get; private set; } = null!;
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public DateOnly Today { get; private set; }
    public bool MayManage { get; private set; }
    public List<Guid> Owners { get; private set; } = [];
    public string? Error { get; private set; }
    public string? ErrorField { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostLinkAsync(Guid id, string? number, CancellationToken ct) => ChangeAsync(id, async (cause, now) =>
    {
        var visible = await AppealAccess.VisibleAsync(db, user, ct);
        var n = (number ?? "").Trim();
        var appeal = n.Length == 0 ? null : await visible.Where(a => a.Number == n).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
        if (appeal is null) throw new InputException("number", "request.not_found", "Обращение с таким номером не найдено среди доступных вам.");
        if (!cause.Link(appeal.Value, fromSpike: false, now)) throw new InputException("number", "request.duplicate", "Это обращение уже связано с первопричиной.");
        db.Set<RootCauseAppeal>().Add(cause.Appeals[^1]);
    }, ct);

    /// <summary>Accepts a suggestion: the appeal is linked, marked «по подсказке».</summary>
    public Task<IActionResult> OnPostAcceptAsync(Guid id, Guid appealId, CancellationToken ct) => ChangeAsync(id, async (cause, now) =>
    {
        var visible = await AppealAccess.VisibleAsync(db, user, ct);
        if (!await visible.AnyAsync(a => a.Id == appealId, ct))
            throw new InputException("suggestion", "request.not_found", "Обращение не найдено среди доступных вам.");
        if (!cause.Link(appealId, fromSpike: false, now, suggested: true))
            throw new InputException("suggestion", "request.duplicate", "Это обращение уже связано с первопричиной.");
        db.Set<RootCauseAppeal>().Add(cause.Appeals[^1]);
    }, ct);

    /// <summary>Turns a suggestion down: the appeal is not offered for this cause again.</summary>
    public Task<IActionResult> OnPostDismissAsync(Guid id, Guid appealId, CancellationToken ct) => ChangeAsync(id, async (cause, now) =>
    {
        var subject = RootCauseDismissal.OfAppeal(appealId);
        if (await db.Set<RootCauseDismissal>().AnyAsync(d => d.RootCauseId == cause.Id && d.Subject == subject, ct)) return;
        db.Set<RootCauseDismissal>().Add(new RootCauseDismissal { RootCauseId = cause.Id, Subject = subject, PersonId = user.RequiredId, AtUtc = now });
    }, ct);

    public Task<IActionResult> OnPostMeasureAsync(Guid id, string? measureText, Guid? ownerId, string? dueOn, CancellationToken ct) => ChangeAsync(id, async (cause, now) =>
    {
        var managed = await RootCauseAccess.ManagedAsync(user, ct);
        if (ownerId is not { } owner || !managed.Contains(owner))
            throw new InputException("ownerId", "request.out_of_scope", "Выберите ответственную организацию из своей сферы ведения.");
        DateOnly? due = DateOnly.TryParseExact(dueOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        if (due is null && !string.IsNullOrWhiteSpace(dueOn)) throw new InputException("dueOn", "request.invalid_date", "Срок — дата в виде ГГГГ-ММ-ДД.");
        var measure = cause.AddMeasure(measureText ?? "", owner, due, Today, now);
        // Added explicitly: a new child with its key set, found through a loaded parent, would otherwise be taken for an existing row.
        db.RootCauseMeasures.Add(measure);
        // The owner's heads and dispatchers are told in the office (NoticeWriter), in the same save as the measure.
        db.Outbox.Add(OutboxMessage.Create(Mail.MessageTypes.RootCauseMeasureAssigned, new
        {
            organisationId = owner.ToString(), rootCause = cause.Title, measure = measure.Text, dueOn = measure.DueOn.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
            path = $"/office/analytics/causes/{cause.Id}", rootCauseId = cause.Id.ToString(),
        }, null, now));
    }, ct);

    public Task<IActionResult> OnPostDoneAsync(Guid id, Guid measureId, CancellationToken ct) => ChangeAsync(id, (cause, now) =>
    {
        if (cause.Measures.FirstOrDefault(m => m.Id == measureId) is { DoneAtUtc: null } m) m.DoneAtUtc = now;
        return Task.CompletedTask;
    }, ct);

    public Task<IActionResult> OnPostStatusAsync(Guid id, RootCauseStatus status, CancellationToken ct) => ChangeAsync(id, async (cause, now) =>
    {
        if (!cause.SetStatus(status, now) || !cause.IsPublic) return;
        // A known problem resolved: the applicant of every appeal linked to its card is told, in the same save.
        var linked = cause.Appeals.Select(a => a.AppealId).ToList();
        var appeals = await db.Appeals.AsNoTracking().Where(a => linked.Contains(a.Id) && a.Status != AppealStatus.Merged).Select(a => a.Id).ToListAsync(ct);
        foreach (var appealId in appeals)
            db.Outbox.Add(OutboxMessage.Create(Mail.MessageTypes.RootCauseResolved,
                new { rootCause = cause.Title, rootCauseId = cause.Id.ToString(), cardPath = $"/problems/{cause.Id}" }, appealId, now));
    }, ct);

    /// <summary>Shows the record on the portal as a known problem, or takes it off.</summary>
    public Task<IActionResult> OnPostPublishAsync(Guid id, bool publish, CancellationToken ct) => ChangeAsync(id, (cause, now) =>
    {
        if (publish) cause.Publish(now);
        else cause.Unpublish();
        return Task.CompletedTask;
    }, ct);

    async Task<IActionResult> ChangeAsync(Guid id, Func<RootCause, DateTime, Task> change, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFound();
        if (!MayManage) return Forbid();
        try
        {
            await change(Cause, clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
            return Redirect($"/office/analytics/causes/{id}");
        }
        catch (InputException e)
        {
            ErrorField = e.Errors.Keys.FirstOrDefault();
            Error = e.Message;
            db.ChangeTracker.Clear();
            await LoadAsync(id, ct);
            return Page();
        }
    }

    async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (!await IndexModel.MayAsync(user, ct)) return false;
        var visible = await RootCauseAccess.VisibleAsync(db, user, ct);
        var cause = await visible.Include(c => c.Appeals).Include(c => c.Measures).AsSplitQuery().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (cause is null) return false;
        Cause = cause;
        Names = await ListDirectory.LoadAsync(db, ct);
        Zone = await Names.ZoneOfAsync(user, ct);
        Today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, Zone));
        MayManage = await user.ReachesAsync(cause.OrganisationId, ct, RootCauseAccess.Managers);
        var managed = await RootCauseAccess.ManagedAsync(user, ct);
        Owners = [.. Names.Organisations.Where(o => managed.Contains(o.Id)).Select(o => o.Id)];
        var ids = cause.Appeals.Select(a => a.AppealId).ToList();
        var appeals = await AppealAccess.VisibleAsync(db, user, ct);
        var rows = await appeals.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.Number, a.Status, a.ReceivedAtUtc }).ToListAsync(ct);
        var how = cause.Appeals.ToDictionary(a => a.AppealId);
        Linked = [.. rows.OrderByDescending(a => a.ReceivedAtUtc).Select(a => new AppealRow(a.Id, a.Number, a.Status, a.ReceivedAtUtc, how[a.Id].FromSpike, how[a.Id].Automatic, how[a.Id].Suggested))];
        Hidden = ids.Count - Linked.Count;
        if (MayManage && cause.Status != RootCauseStatus.Resolved)
            Suggestions = await CauseSuggestions.ForCauseAsync(db, appeals, cause, clock.GetUtcNow().UtcDateTime, ct);
        return true;
    }
}
