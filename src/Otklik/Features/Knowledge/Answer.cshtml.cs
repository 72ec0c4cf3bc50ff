using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Knowledge;

/// <summary>
/// The operator answers a simple consultation from a script: search the knowledge base, pick an article, check the
/// answer filled from its template, send it; the appeal closes with the article in its history.
/// </summary>
[Authorize]
public sealed class AnswerModel(AppDbContext db, CurrentUser user, AppealChanges changes, TimeProvider clock) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? ArticleId { get; set; }
    [BindProperty] public int? Version { get; set; }
    [BindProperty] public string? Text { get; set; }

    public Appeal? Appeal { get; private set; }
    public Article? Article { get; private set; }
    public IReadOnlyList<KnowledgeBase.ArticleHit> Hits { get; private set; } = [];
    public AppealChanges.Outcome? Failure { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        if (Article is not null && Appeal is not null)
            Text = await KnowledgeBase.AnswerTextAsync(db, Appeal, Article, await KnowledgeBase.NameOfAsync(db, user, ct), KnowledgeBase.Today(clock), ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var outcome = await changes.TryRunAsync(Id, Version, KnowledgeBase.Consult(changes, ArticleId, Text ?? "", clock, ct), ct);
        if (outcome.Succeeded) return Redirect($"/office/appeals/{Id}?done=consulted");
        Failure = outcome;
        Response.StatusCode = outcome.Status;
        return await LoadAsync(ct) ? Page() : NotFound();
    }

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (!await AppealAccess.CanSeeAsync(db, user, Id, ct)) return false;
        Appeal = await db.Appeals.AsNoTracking().Include(a => a.Parts).SingleAsync(a => a.Id == Id, ct);
        // Search from the appeal's own words until the operator types a query.
        Hits = string.IsNullOrWhiteSpace(Q)
            ? await KnowledgeBase.SearchAsync(db, Appeal.Text, publicOnly: false, anyWord: true, 5, KnowledgeBase.Today(clock), ct)
            : Q.Length > Search.SearchQuery.MaxLength ? [] : await KnowledgeBase.SearchAsync(db, Q, publicOnly: false, anyWord: false, 20, KnowledgeBase.Today(clock), ct);
        if (ArticleId is { } articleId) Article = await db.Articles.AsNoTracking().SingleOrDefaultAsync(a => a.Id == articleId, ct);
        return true;
    }
}
