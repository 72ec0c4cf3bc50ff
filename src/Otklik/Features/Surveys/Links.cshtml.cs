using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Surveys;

/// <summary>Links and QR codes of a survey for reception desks: each answers for its organisation (and municipality). Links are built from the configured public address.</summary>
[Authorize]
public sealed class LinksModel(AppDbContext db, CurrentUser user, PublicUrl site, TimeProvider clock) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public string? Label { get; set; }
    [BindProperty] public Guid? OrganisationId { get; set; }
    [BindProperty] public Guid? TerritoryId { get; set; }

    public Survey? Survey { get; private set; }
    public IReadOnlyList<(SurveyLink Link, string Url, string Organisation)> Links { get; private set; } = [];
    public IReadOnlyList<Organisation> Organisations { get; private set; } = [];
    public IReadOnlyList<Territory> Territories { get; private set; } = [];
    public Dictionary<string, string[]> Errors { get; } = [];
    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        if (string.IsNullOrWhiteSpace(Label) || Label.Trim().Length > 300) Errors["label"] = ["Назовите место, где будет ссылка (например, «Приёмная, каб. 101»), не длиннее 300 знаков."];
        if (OrganisationId is not { } org || Organisations.All(o => o.Id != org)) Errors["organisationId"] = ["Выберите организацию из своих."];
        if (TerritoryId is { } t && Territories.All(x => x.Id != t)) Errors["territoryId"] = ["Выберите муниципальное образование из списка."];
        if (Errors.Count > 0) { Response.StatusCode = 422; return Page(); }
        db.SurveyLinks.Add(new SurveyLink
        {
            Id = Guid.CreateVersion7(), SurveyId = Id, Token = SurveyDesk.NewToken(), Label = Label!.Trim(), OrganisationId = OrganisationId!.Value,
            TerritoryId = TerritoryId, CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
        return Redirect($"/office/surveys/{Id}/links");
    }

    async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        Survey = await db.Surveys.AsNoTracking().SingleOrDefaultAsync(s => s.Id == Id, ct);
        if (Survey is null) return NotFound();
        if (!await user.ReachesAsync(Survey.OwnerOrganisationId, ct, SurveyPages.Editors)) return Forbid();
        var scope = await user.ScopeAsync(ct, SurveyPages.Editors);
        Organisations = [.. (await db.Organisations.AsNoTracking().OrderBy(o => o.Path).ToListAsync(ct)).Where(o => scope.Contains(o.Id))];
        Territories = await db.Territories.AsNoTracking().Where(t => t.Kind == Otklik.Features.Directory.TerritoryKind.Municipality).OrderBy(t => t.Name).ToListAsync(ct);
        var names = Organisations.ToDictionary(o => o.Id, o => o.Name);
        Links = [.. (await db.SurveyLinks.AsNoTracking().Where(l => l.SurveyId == Id).OrderBy(l => l.CreatedAtUtc).ToListAsync(ct))
            .Select(l => (l, site.Link(SurveyDesk.PathOf(l)), names.GetValueOrDefault(l.OrganisationId) ?? ""))];
        OrganisationId ??= scope.Contains(Survey.OwnerOrganisationId) ? Survey.OwnerOrganisationId : null;
        return null;
    }
}
