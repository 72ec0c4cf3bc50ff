using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Knowledge;

/// <summary>One article: read by every staff member, edited by content editors and administrators within their scope, with its versions.</summary>
[Authorize]
public sealed class EditModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    [FromRoute] public Guid? Id { get; set; }
    [BindProperty] public int? Version { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? Answer { get; set; }
    [BindProperty] public string? LegalBasis { get; set; }
    [BindProperty] public string? Links { get; set; }
    [BindProperty] public Guid? CategoryId { get; set; }
    [BindProperty] public Guid? TopicId { get; set; }
    [BindProperty] public Guid? OwnerOrganisationId { get; set; }
    [BindProperty] public DateOnly? ReviewOn { get; set; }
    [BindProperty] public bool IsPublished { get; set; }

    public Article? Article { get; private set; }
    public bool MayEdit { get; private set; }
    public DateOnly Today { get; private set; }
    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public IReadOnlyList<Organisation> Owners { get; private set; } = [];
    public IReadOnlyList<ArticleVersion> Versions { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public string? Failure { get; private set; }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await user.IsStaffAsync(ct)) return Forbid();
        if (!await LoadAsync(ct)) return NotFound();
        if (Article is { } a)
            (Version, Title, Answer, LegalBasis, Links, CategoryId, TopicId, OwnerOrganisationId, ReviewOn, IsPublished) =
                (a.Version, a.Title, a.Answer, a.LegalBasis, a.Links, a.CategoryId, a.TopicId, a.OwnerOrganisationId, a.ReviewOn, a.IsPublished);
        else ReviewOn = Today.AddYears(1);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await user.IsStaffAsync(ct)) return Forbid();
        try
        {
            var (saved, status) = await KnowledgeBase.SaveArticleAsync(db, user, Id, new KnowledgeBase.ArticleInput(Version, Title, Answer, LegalBasis, Links,
                CategoryId, TopicId, OwnerOrganisationId, ReviewOn, IsPublished), clock.GetUtcNow().UtcDateTime, ct);
            if (saved is not null) return Redirect($"/office/knowledge/edit/{saved.Id}?saved=1");
            if (status == 404) return NotFound();
            Failure = "Ваши полномочия не распространяются на организацию-владельца статьи.";
            Response.StatusCode = 403;
        }
        catch (InputException e) { db.ChangeTracker.Clear(); Errors = e.Errors; Failure = e.Message; Response.StatusCode = 422; }
        catch (RuleException e) { db.ChangeTracker.Clear(); Failure = e.Message; Response.StatusCode = 409; }
        catch (DbUpdateConcurrencyException) { db.ChangeTracker.Clear(); Failure = "Статью уже изменили. Обновите страницу."; Response.StatusCode = 409; }
        await LoadAsync(ct);
        return Page();
    }

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        Today = KnowledgeBase.Today(clock);
        if (Id is { } id)
        {
            Article = await db.Articles.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
            if (Article is null) return false;
            Versions = await db.ArticleVersions.AsNoTracking().Where(v => v.ArticleId == id).OrderByDescending(v => v.Number).ToListAsync(ct);
        }
        var scope = await user.ScopeAsync(ct, KnowledgeBase.Editors);
        MayEdit = Article is null ? scope.Count > 0 : scope.Contains(Article.OwnerOrganisationId);
        Categories = await db.Categories.AsNoTracking().Include(c => c.Topics).OrderBy(c => c.SortOrder).ThenBy(c => c.Name).ToListAsync(ct);
        Owners = [.. (await db.Organisations.AsNoTracking().OrderBy(o => o.Path).ToListAsync(ct)).Where(o => scope.Contains(o.Id) || o.Id == Article?.OwnerOrganisationId)];
        return true;
    }
}
