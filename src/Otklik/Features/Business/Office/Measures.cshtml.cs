using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Features.Portal.Accounts;
using Otklik.Infrastructure;

namespace Otklik.Features.Business.Office;

/// <summary>
/// The office's support measures: the list of the measures of the organisations in the person's scope, and one measure's
/// form, edited only by its owner organisation's keepers (<see cref="BusinessApi.Keepers"/>). «Проверено» confirms it
/// current without a change (the administrator's monthly check, seed 000).
/// </summary>
[Authorize]
public sealed class MeasuresModel(AppDbContext db, CurrentUser user, TimeProvider clock, Mail.OutboxDispatcher dispatcher) : AccountPage
{
    [FromRoute] public Guid? Id { get; set; }
    [BindProperty] public int Version { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? Summary { get; set; }
    [BindProperty] public SupportForm? Form { get; set; }
    [BindProperty] public long? AmountMaxRub { get; set; }
    [BindProperty] public string? AmountText { get; set; }
    [BindProperty] public List<BusinessKinds> Kinds { get; set; } = [];
    [BindProperty] public string? Okved { get; set; }
    [BindProperty] public Guid? TerritoryId { get; set; }
    [BindProperty] public string? Conditions { get; set; }
    [BindProperty] public string? Documents { get; set; }
    [BindProperty] public string? Deadlines { get; set; }
    [BindProperty] public DateOnly? ApplyUntil { get; set; }
    [BindProperty] public Guid? OrganisationId { get; set; }
    [BindProperty] public string? ApplyUrl { get; set; }
    [BindProperty] public Guid? TopicId { get; set; }
    [BindProperty] public bool IsPublished { get; set; }

    public IReadOnlyList<SupportMeasure> All { get; private set; } = [];
    public SupportMeasure? Measure { get; private set; }
    public IReadOnlyList<Organisation> Owners { get; private set; } = [];
    public IReadOnlyList<Territory> Territories { get; private set; } = [];
    public IReadOnlyList<Topic> Topics { get; private set; } = [];
    public bool Editing => Id is not null || Request.Query.ContainsKey("new");

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        var scope = (await user.ScopeAsync(ct, BusinessApi.Keepers)).ToList();
        Owners = await db.Organisations.AsNoTracking().Where(o => scope.Contains(o.Id)).OrderBy(o => o.Path).ToListAsync(ct);
        Territories = await db.Territories.AsNoTracking().Where(t => t.Kind == Otklik.Features.Directory.TerritoryKind.Municipality).OrderBy(t => t.Name).ToListAsync(ct);
        Topics = await db.Topics.AsNoTracking().Where(t => t.IsActive && t.DefaultRegime == Appeals.LegalRegime.BusinessConsultation).OrderBy(t => t.Name).ToListAsync(ct);
        if (Id is { } id)
        {
            Measure = await db.SupportMeasures.SingleOrDefaultAsync(m => m.Id == id, ct);
            if (Measure is null || !scope.Contains(Measure.OrganisationId)) return false;
        }
        else All = await db.SupportMeasures.AsNoTracking().Where(m => scope.Contains(m.OrganisationId)).OrderBy(m => m.CheckedAtUtc).ToListAsync(ct);
        return true;
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await user.IsStaffAsync(ct)) return Forbid();
        if (!await LoadAsync(ct)) return NotFound();
        if (Measure is { } m)
        {
            Version = m.Version;
            (Title, Summary, Form, AmountMaxRub, AmountText, Okved, TerritoryId, Conditions, Documents, Deadlines, ApplyUntil, OrganisationId, ApplyUrl, TopicId, IsPublished) =
                (m.Title, m.Summary, m.Form, m.AmountMaxRub, m.AmountText, m.Okved, m.TerritoryId, m.Conditions, m.Documents, m.Deadlines, m.ApplyUntil, m.OrganisationId,
                    m.ApplyUrl, m.TopicId, m.IsPublished);
            Kinds = [.. Enum.GetValues<BusinessKinds>().Where(k => k != BusinessKinds.None && m.Kinds.HasFlag(k))];
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await user.IsStaffAsync(ct)) return Forbid();
        if (!await LoadAsync(ct)) return NotFound();
        Require("Title", Title, "Укажите название меры.", 300);
        Require("Summary", Summary, "Опишите меру в двух-трёх предложениях.", 4000);
        if (Form is null) Errors["Form"] = "Выберите форму поддержки.";
        if (AmountMaxRub is < 0) Errors["AmountMaxRub"] = "Сумма не может быть отрицательной.";
        Optional("AmountText", AmountText, 300);
        if (Blank(Okved) is { } okved && SupportMeasure.OkvedList(okved).Any(c => !System.Text.RegularExpressions.Regex.IsMatch(c, @"^\d{2}(\.\d{1,2}){0,2}$")))
            Errors["Okved"] = "Коды ОКВЭД через запятую, например 10, 56.1.";
        Require("Conditions", Conditions, "Перечислите условия получения.", 8000);
        Require("Documents", Documents, "Перечислите документы.", 8000);
        Optional("Deadlines", Deadlines, 500);
        if (Blank(ApplyUrl) is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "https" or "http"))
            Errors["ApplyUrl"] = "Ссылка должна начинаться с https://.";
        if (OrganisationId is not { } org || !Owners.Any(o => o.Id == org)) Errors["OrganisationId"] = "Выберите организацию из тех, за которые вы отвечаете.";
        if (TerritoryId is { } t && !Territories.Any(x => x.Id == t)) Errors["TerritoryId"] = "Выберите муниципальное образование из списка.";
        if (TopicId is { } topic && !Topics.Any(x => x.Id == topic)) Errors["TopicId"] = "Выберите тему из списка.";
        if (Errors.Count > 0) return Refused();

        var content = new SupportMeasure.Content(Title!.Trim(), Summary!.Trim(), Form!.Value, AmountMaxRub, Blank(AmountText),
            Kinds.Aggregate(BusinessKinds.None, (a, k) => a | k), string.Join(", ", SupportMeasure.OkvedList(Okved)), TerritoryId, Conditions!.Trim(),
            Documents!.Trim(), Blank(Deadlines), ApplyUntil, OrganisationId!.Value, Blank(ApplyUrl), TopicId, IsPublished);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            if (Measure is { } m) m.Edit(content, Version, now);
            else db.SupportMeasures.Add(Measure = SupportMeasure.Create(content, now));
            await SectionClocks.TouchAsync(db, PortalSection.Measures, content.OrganisationId, now, ct);
            // First published: the subscribers it fits are told, in the same save (issue 23.2).
            if (Measure.NewlyPublished) await MeasureSubscriptions.NotifyAsync(db, Measure, now, ct);
            await db.SaveChangesAsync(ct);
            dispatcher.Nudge();
        }
        catch (Exception e) when (e is RuleException or DbUpdateConcurrencyException)
        {
            Error = e is RuleException r ? r.Message : "Меру уже изменили: откройте её заново и повторите правку.";
            return Refused();
        }
        return Redirect($"/office/business/measures/{Measure.Id}?saved=1");
    }

    /// <summary>The owner confirms the measure is current.</summary>
    public async Task<IActionResult> OnPostCheckedAsync(CancellationToken ct)
    {
        if (!await user.IsStaffAsync(ct)) return Forbid();
        if (!await LoadAsync(ct) || Measure is null) return NotFound();
        var now = clock.GetUtcNow().UtcDateTime;
        Measure.MarkChecked(now);
        await SectionClocks.TouchAsync(db, PortalSection.Measures, Measure.OrganisationId, now, ct);
        await db.SaveChangesAsync(ct);
        return Redirect($"/office/business/measures/{Measure.Id}?checked=1");
    }
}
