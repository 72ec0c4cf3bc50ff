using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Knowledge;

/// <summary>The knowledge base for staff: search (word forms, "phrases", -exclusions) or the whole list; stale articles marked.</summary>
[Authorize]
public sealed class IndexModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }

    public IReadOnlyList<KnowledgeBase.ArticleHit> Hits { get; private set; } = [];
    public IReadOnlyList<Article> Articles { get; private set; } = [];
    public Dictionary<Guid, string> Names { get; private set; } = [];
    public Dictionary<Guid, string> Organisations { get; private set; } = [];
    public DateOnly Today { get; private set; }
    public bool IsEditor { get; private set; }
    public bool IsAdministrator { get; private set; }
    public string? Error { get; private set; }
    public string? ImportError { get; private set; }
    public IReadOnlyList<string> ImportErrors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await user.IsStaffAsync(ct)) return Forbid();
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>A CSV or Markdown file of articles: all of it or nothing, the broken row named.</summary>
    public async Task<IActionResult> OnPostImportAsync(IFormFile? file, CancellationToken ct)
    {
        if (!await user.IsStaffAsync(ct)) return Forbid();
        if (file is null || file.Length == 0) ImportError = "Выберите файл CSV или Markdown.";
        else
        {
            using var reader = new StreamReader(file.OpenReadStream(), System.Text.Encoding.UTF8);
            var text = await reader.ReadToEndAsync(ct);
            var markdown = file.FileName.EndsWith(".md", StringComparison.OrdinalIgnoreCase);
            try
            {
                var result = await KnowledgeFiles.ImportAsync(db, user, text, markdown, clock.GetUtcNow().UtcDateTime, ct);
                if (result.Forbidden is { } why) ImportError = why;
                else return Redirect($"/office/knowledge?done=import-{result.Created}-{result.Updated}");
            }
            catch (InputException e)
            {
                db.ChangeTracker.Clear();
                ImportError = e.Message;
                ImportErrors = [.. e.Errors.Values.SelectMany(v => v)];
            }
        }
        await LoadAsync(ct);
        return Page();
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Today = KnowledgeBase.Today(clock);
        IsEditor = (await user.RolesAsync(ct)).Any(r => KnowledgeBase.Editors.Contains(r.Role));
        IsAdministrator = await user.HasRoleAsync(Role.Administrator, ct);
        Names = await KnowledgeBase.CatalogueNamesAsync(db, ct);
        Organisations = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        if (!string.IsNullOrWhiteSpace(Q))
        {
            if (Q.Length > Search.SearchQuery.MaxLength) Error = "Строка поиска длиннее 200 символов.";
            else Hits = await KnowledgeBase.SearchAsync(db, Q, publicOnly: false, anyWord: false, 50, Today, ct);
        }
        else Articles = await db.Articles.AsNoTracking().OrderBy(a => a.Title).Take(500).ToListAsync(ct);
    }

    public static string? DoneMessage(string? done) => done switch
    {
        "saved" => "Статья сохранена.",
        { } d when d.StartsWith("import-", StringComparison.Ordinal) && d.Split('-') is [_, var created, var updated] =>
            $"Импорт выполнен: новых статей {created}, изменённых {updated}.",
        _ => null,
    };
}
