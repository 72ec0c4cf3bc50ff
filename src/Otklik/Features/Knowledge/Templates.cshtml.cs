using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Knowledge;

/// <summary>Answer templates: the list, and one form that creates a template or edits the one chosen (?id=).</summary>
[Authorize]
public sealed class TemplatesModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Id { get; set; }
    [BindProperty] public int? Version { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Body { get; set; }
    [BindProperty] public Guid? CategoryId { get; set; }
    [BindProperty] public Guid? TopicId { get; set; }
    [BindProperty] public Guid? OwnerOrganisationId { get; set; }

    public IReadOnlyList<AnswerTemplate> Templates { get; private set; } = [];
    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public IReadOnlyList<Organisation> Owners { get; private set; } = [];
    public Dictionary<Guid, string> Names { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public string? Failure { get; private set; }
    public bool MayEdit => Owners.Count > 0;

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var e) ? string.Join(" ", e) : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await user.IsStaffAsync(ct)) return Forbid();
        await LoadAsync(ct);
        if (Id is { } id && Templates.FirstOrDefault(t => t.Id == id) is { } t)
            (Version, Name, Body, CategoryId, TopicId, OwnerOrganisationId) = (t.Version, t.Name, t.Body, t.CategoryId, t.TopicId, t.OwnerOrganisationId);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await user.IsStaffAsync(ct)) return Forbid();
        try
        {
            var (saved, status) = await KnowledgeBase.SaveTemplateAsync(db, user, Id, new KnowledgeBase.TemplateInput(Version, Name, Body, CategoryId, TopicId,
                OwnerOrganisationId), clock.GetUtcNow().UtcDateTime, ct);
            if (saved is not null) return Redirect($"/office/knowledge/templates?id={saved.Id}&saved=1");
            if (status == 404) return NotFound();
            Failure = "Ваши полномочия не распространяются на организацию-владельца шаблона.";
            Response.StatusCode = 403;
        }
        catch (InputException e) { db.ChangeTracker.Clear(); Errors = e.Errors; Failure = e.Message; Response.StatusCode = 422; }
        catch (RuleException e) { db.ChangeTracker.Clear(); Failure = e.Message; Response.StatusCode = 409; }
        await LoadAsync(ct);
        return Page();
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Templates = await db.AnswerTemplates.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        Categories = await db.Categories.AsNoTracking().Include(c => c.Topics).OrderBy(c => c.SortOrder).ThenBy(c => c.Name).ToListAsync(ct);
        var scope = await user.ScopeAsync(ct, KnowledgeBase.Editors);
        Owners = [.. (await db.Organisations.AsNoTracking().OrderBy(o => o.Path).ToListAsync(ct)).Where(o => scope.Contains(o.Id))];
        Names = await KnowledgeBase.CatalogueNamesAsync(db, ct);
    }
}
