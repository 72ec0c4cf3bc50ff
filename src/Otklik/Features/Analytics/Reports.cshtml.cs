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
/// Reports on a schedule (<c>/office/analytics/reports</c>): the archive of reports made, each downloadable as XLSX and
/// PDF, and the mailing lists. A region-wide report is for those who see the region; an organisation's report for those
/// whose roles reach it. Those who manage root causes (analyst, controller, administrator) add a mailing for what they reach.
/// </summary>
[Authorize]
public sealed class ReportsModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public sealed record Row(Guid Id, string Title, DateTime CreatedAtUtc, string? SentTo, bool HasPdf);
    public sealed record Mailing(Guid Id, ReportKind Kind, string? Organisation, string Recipients, DateOnly NextRunOn);

    public List<Row> Archive { get; private set; } = [];
    public List<Mailing> Mailings { get; private set; } = [];
    public ListDirectory Names { get; private set; } = null!;
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public List<Guid> Managed { get; private set; } = [];
    public bool Everywhere { get; private set; }
    public string? Error { get; private set; }
    public string? ErrorField { get; private set; }

    [BindProperty] public ReportKind Kind { get; set; }
    [BindProperty] public Guid? OrganisationId { get; set; }
    [BindProperty] public string? Recipients { get; set; }
    [BindProperty] public string? FirstRunOn { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await IndexModel.MayAsync(user, ct)) return Forbid();
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnGetFileAsync(Guid id, string format, CancellationToken ct)
    {
        if (!await IndexModel.MayAsync(user, ct)) return Forbid();
        var (everywhere, scope) = await ReachAsync(ct);
        var report = await db.ArchivedReports.AsNoTracking()
            .Where(r => r.Id == id && (r.OrganisationId == null ? everywhere : everywhere || scope.Contains(r.OrganisationId.Value))).SingleOrDefaultAsync(ct);
        if (report is null) return NotFound();
        var name = $"otchet-{report.Kind.ToString().ToLowerInvariant()}-{report.From:yyyy-MM-dd}-{report.To:yyyy-MM-dd}";
        return format switch
        {
            "xlsx" => File(report.Xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx"),
            "pdf" when report.Pdf.Length > 0 => File(report.Pdf, "application/pdf", name + ".pdf"),
            _ => NotFound(),
        };
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await IndexModel.MayAsync(user, ct)) return Forbid();
        var managed = await RootCauseAccess.ManagedAsync(user, ct);
        if (managed.Count == 0) return Forbid();
        try
        {
            var (everywhere, _) = await ReachAsync(ct);
            if (Kind == ReportKind.Organisation)
            {
                if (OrganisationId is not { } org || !managed.Contains(org))
                    throw new InputException("organisationId", "request.out_of_scope", "Выберите организацию из своей сферы ведения.");
            }
            else
            {
                if (!everywhere) throw new InputException("kind", "request.out_of_scope", "Отчёты по всему региону — для тех, кто видит весь регион.");
                OrganisationId = null;
            }
            var recipients = ReportSubscription.ParseRecipients(Recipients);
            var names = await ListDirectory.LoadAsync(db, ct);
            var zone = await names.ZoneOfAsync(user, ct);
            var now = clock.GetUtcNow().UtcDateTime;
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, zone));
            DateOnly first;
            if (string.IsNullOrWhiteSpace(FirstRunOn)) first = today;
            else if (!DateOnly.TryParseExact(FirstRunOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out first))
                throw new InputException("firstRunOn", "request.invalid_date", "Дата в виде ГГГГ-ММ-ДД.");
            else if (first < today) throw new InputException("firstRunOn", "request.in_past", "Первая рассылка не может быть в прошлом.");
            db.ReportSubscriptions.Add(new ReportSubscription
            {
                Id = Guid.CreateVersion7(), Kind = Kind, OrganisationId = OrganisationId, Recipients = string.Join('\n', recipients), NextRunOn = first,
                CreatedById = user.RequiredId, CreatedAtUtc = now,
            });
            await db.SaveChangesAsync(ct);
            return Redirect("/office/analytics/reports");
        }
        catch (InputException e)
        {
            ErrorField = e.Errors.Keys.FirstOrDefault();
            Error = e.Message;
            await LoadAsync(ct);
            return Page();
        }
    }

    async Task<(bool Everywhere, List<Guid> Scope)> ReachAsync(CancellationToken ct)
    {
        var scope = await user.ScopeAsync(ct, AppealAccess.Viewers);
        return (await user.IsEverywhereAsync(scope, ct), [.. scope]);
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Names = await ListDirectory.LoadAsync(db, ct);
        Zone = await Names.ZoneOfAsync(user, ct);
        var (everywhere, scope) = await ReachAsync(ct);
        Everywhere = everywhere;
        var managed = await RootCauseAccess.ManagedAsync(user, ct);
        Managed = [.. Names.Organisations.Where(o => managed.Contains(o.Id)).Select(o => o.Id)];
        Archive = await db.ArchivedReports.AsNoTracking()
            .Where(r => r.OrganisationId == null ? everywhere : everywhere || scope.Contains(r.OrganisationId.Value))
            .OrderByDescending(r => r.CreatedAtUtc).Take(200)
            .Select(r => new Row(r.Id, r.Title, r.CreatedAtUtc, r.SentTo, r.Pdf.Length > 0)).ToListAsync(ct);
        var mailings = await db.ReportSubscriptions.AsNoTracking()
            .Where(s => s.OrganisationId == null ? everywhere : everywhere || scope.Contains(s.OrganisationId.Value))
            .OrderBy(s => s.NextRunOn).ToListAsync(ct);
        Mailings = [.. mailings.Select(s => new Mailing(s.Id, s.Kind, s.OrganisationId is { } o ? Names.OrganisationName(o) : null, s.Recipients, s.NextRunOn))];
    }

    public static string KindText(ReportKind kind) => kind switch
    {
        ReportKind.Fortnightly => "раз в две недели: обращения, ответы, обратная связь, портал (по региону)",
        ReportKind.Organisation => "ежемесячно: отчёт организации",
        ReportKind.BusinessPortal => "раз в две недели: портал МСБ — посещаемость разделов, запросы и их сроки, отзывы (министерству и куратору)",
        _ => "ежемесячно: сводка для ССТУ.РФ (результат по каждому обращению, коды ТОТК)",
    };
}
