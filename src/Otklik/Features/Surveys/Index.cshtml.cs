using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Surveys;

/// <summary>The office's list of surveys of the person's organisations, and the start of a new one.</summary>
[Authorize]
public sealed class IndexModel(AppDbContext db, CurrentUser user) : PageModel
{
    public sealed record Row(Guid Id, string Title, string Owner, int CurrentVersion, bool IsAnonymous, bool AfterAppeal, int Responses, bool MayEdit);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public bool MayCreate { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var readable = await user.ScopeAsync(ct, [.. SurveyPages.Readers, .. SurveyPages.PaperOperators]);
        if (readable.Count == 0) return Forbid();
        var editable = await user.ScopeAsync(ct, SurveyPages.Editors);
        MayCreate = editable.Count > 0;
        var surveys = await db.Surveys.AsNoTracking()
            .Join(db.Organisations, s => s.OwnerOrganisationId, o => o.Id, (s, o) => new { s.Id, s.Title, Owner = o.Name, s.OwnerOrganisationId, s.CurrentVersion, s.IsAnonymous, s.AfterAppeal, s.CreatedAtUtc })
            .OrderByDescending(s => s.CreatedAtUtc).ToListAsync(ct);
        var counts = await db.SurveyResponses.AsNoTracking().GroupBy(r => r.SurveyId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.N, ct);
        Rows = [.. surveys.Where(s => readable.Contains(s.OwnerOrganisationId))
            .Select(s => new Row(s.Id, s.Title, s.Owner, s.CurrentVersion, s.IsAnonymous, s.AfterAppeal, counts.GetValueOrDefault(s.Id), editable.Contains(s.OwnerOrganisationId)))];
        return Page();
    }
}
