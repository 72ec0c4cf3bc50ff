using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Search;

/// <summary>
/// The synonym list of the portal's searches (topics and frequent questions), one group per line, for content editors
/// and administrators. Saving replaces the whole list; a refused list changes nothing.
/// </summary>
[Authorize]
public sealed class SynonymsPageModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    [BindProperty] public string? Text { get; set; }
    public string? Error { get; private set; }
    public bool Saved { get; private set; }

    public static async Task<bool> MayEditAsync(CurrentUser user, CancellationToken ct) =>
        (await user.RolesAsync(ct)).Any(r => r.Role is Role.ContentEditor or Role.Administrator);

    public async Task<IActionResult> OnGetAsync([FromQuery] bool saved, CancellationToken ct)
    {
        if (!await MayEditAsync(user, ct)) return Forbid();
        Saved = saved;
        Text = string.Join("\n", await db.SynonymGroups.AsNoTracking().OrderBy(g => g.Words).Select(g => g.Words).ToListAsync(ct));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await MayEditAsync(user, ct)) return Forbid();
        var lines = (Text ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var groups = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var members = new SynonymGroup { Words = lines[i] }.Members();
            if (lines[i].Length > Synonyms.MaxGroupLength) Error = $"Строка {i + 1} длиннее {Synonyms.MaxGroupLength} символов.";
            else if (members.Length < 2) Error = $"В строке {i + 1} одно слово: перечислите через запятую хотя бы два синонима.";
            if (Error is not null) break;
            groups.Add(string.Join(", ", members));
        }
        if (Error is null && groups.Count > Synonyms.MaxGroups) Error = $"Не больше {Synonyms.MaxGroups} строк.";
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SynonymGroups.ExecuteDeleteAsync(ct);
        db.SynonymGroups.AddRange(groups.Distinct(StringComparer.OrdinalIgnoreCase).Select(w => new SynonymGroup { Id = Guid.CreateVersion7(), Words = w, UpdatedAtUtc = now }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Redirect("/office/synonyms?saved=true");
    }
}
