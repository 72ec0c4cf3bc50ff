using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Surveys;

/// <summary>The office's polls: the list with their votes, and a new poll for a territory and a period.</summary>
[Authorize]
public sealed class PollsModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    [BindProperty] public string? Question { get; set; }
    [BindProperty] public string? Options { get; set; }
    [BindProperty] public Guid? OwnerOrganisationId { get; set; }
    /// <summary>Also from the address: the area-drawing page returns here with the new area chosen.</summary>
    [BindProperty(SupportsGet = true)] public Guid? TerritoryId { get; set; }
    [BindProperty] public DateOnly? ClosesOn { get; set; }
    [BindProperty] public Guid? RootCauseId { get; set; }
    // False unless ticked: an unticked checkbox sends nothing, and a default of true would read it as ticked.
    [BindProperty] public bool ResultsAfterVote { get; set; }

    public sealed record Row(Guid Id, string Question, DateTime ClosesAtUtc, int Votes);
    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyList<Organisation> Owners { get; private set; } = [];
    public IReadOnlyList<Territory> Territories { get; private set; } = [];
    /// <summary>The known problems (public root causes) of the editor's organisations a poll may be tied to.</summary>
    public IReadOnlyList<(Guid Id, string Title)> Problems { get; private set; } = [];
    public Dictionary<string, string[]> Errors { get; } = [];
    public string? ErrorFor(string f) => Errors.TryGetValue(f, out var e) ? string.Join(" ", e) : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        ResultsAfterVote = true;
        return await LoadAsync(ct) ?? Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        var now = clock.GetUtcNow().UtcDateTime;
        var options = (Options ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        if (string.IsNullOrWhiteSpace(Question) || Question.Trim().Length > 1000) Errors["question"] = ["Задайте вопрос (не длиннее 1000 знаков)."];
        if (options.Count is < 2 or > 20 || options.Any(o => o.Length > 500)) Errors["options"] = ["От 2 до 20 вариантов, по одному в строке, каждый не длиннее 500 знаков."];
        if (OwnerOrganisationId is not { } owner || Owners.All(o => o.Id != owner)) Errors["ownerOrganisationId"] = ["Выберите организацию из своих."];
        if (TerritoryId is { } t && Territories.All(x => x.Id != t)) Errors["territoryId"] = ["Выберите муниципальное образование из списка."];
        if (RootCauseId is { } rc && Problems.All(p => p.Id != rc)) Errors["rootCauseId"] = ["Выберите проблему из списка."];
        if (ClosesOn is not { } closes || closes <= DateOnly.FromDateTime(now)) Errors["closesOn"] = ["Укажите дату окончания позже сегодняшней."];
        if (Errors.Count > 0) { Response.StatusCode = 422; return Page(); }
        var poll = new Poll
        {
            Id = Guid.CreateVersion7(), Question = Question!.Trim(), OwnerOrganisationId = OwnerOrganisationId!.Value, TerritoryId = TerritoryId,
            OpensAtUtc = now, ClosesAtUtc = ClosesOn!.Value.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), ResultsAfterVote = ResultsAfterVote, CreatedAtUtc = now, RootCauseId = RootCauseId,
        };
        poll.Options.AddRange(options.Select((o, i) => new PollOption { Id = Guid.CreateVersion7(), PollId = poll.Id, Text = o, Order = i }));
        db.Polls.Add(poll);
        await db.SaveChangesAsync(ct);
        return Redirect($"/polls/{poll.Id}");
    }

    async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var scope = await user.ScopeAsync(ct, SurveyPages.Editors);
        if (scope.Count == 0) return Forbid();
        Owners = [.. (await db.Organisations.AsNoTracking().OrderBy(o => o.Path).ToListAsync(ct)).Where(o => scope.Contains(o.Id))];
        Territories = await db.Territories.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        Problems = [.. (await db.RootCauses.AsNoTracking().Where(c => c.IsPublic).OrderByDescending(c => c.PublishedAtUtc).Select(c => new { c.Id, c.Title, c.OrganisationId }).ToListAsync(ct))
            .Where(c => scope.Contains(c.OrganisationId)).Select(c => (c.Id, c.Title))];
        var polls = await db.Polls.AsNoTracking().OrderByDescending(p => p.CreatedAtUtc).Select(p => new { p.Id, p.Question, p.ClosesAtUtc, p.OwnerOrganisationId }).ToListAsync(ct);
        var votes = await db.PollVotes.AsNoTracking().GroupBy(v => v.PollId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.N, ct);
        Rows = [.. polls.Where(p => scope.Contains(p.OwnerOrganisationId)).Select(p => new Row(p.Id, p.Question, p.ClosesAtUtc, votes.GetValueOrDefault(p.Id)))];
        OwnerOrganisationId ??= Owners.FirstOrDefault()?.Id;
        return null;
    }
}
