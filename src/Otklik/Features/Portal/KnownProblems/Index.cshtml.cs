using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Analytics;

namespace Otklik.Features.Portal.KnownProblems;

/// <summary>
/// Known problems («Известные проблемы», <c>/problems</c>): the root causes the centre chose to show, with who is fixing
/// them and by when. New appeals on a card's topic and territory are linked to it (RootCauseWatch), and their applicants
/// are told by mail when it is resolved. Aggregates only: no appeal, no person.
/// </summary>
public sealed class IndexModel(AppDbContext db, TimeProvider clock) : PageModel
{
    /// <summary>A poll tied to the problem (issue 22.6): its question, and once it has closed its result, which becomes part of the card.</summary>
    public sealed record PollResult(Guid Id, string Question, DateTime ClosesAtUtc, bool Closed, int Votes, IReadOnlyList<(string Option, int Votes)> Options);

    public sealed record Measure(string Text, string Owner, DateOnly DueOn, bool Done);
    public sealed record Card(Guid Id, string Title, string? Description, string? Topic, string? Territory, RootCauseStatus Status,
        DateTime? ResolvedAtUtc, int Appeals, IReadOnlyList<Measure> Measures)
    {
        /// <summary>«Известная проблема, устраняет …»: the organisations owning the measures not yet done.</summary>
        public IReadOnlyList<string> FixedBy => [.. Measures.Where(m => !m.Done).Select(m => m.Owner).Distinct()];
    }

    [FromRoute] public Guid? Id { get; set; }
    public IReadOnlyList<Card> Cards { get; private set; } = [];
    public ILookup<Guid, PollResult> Polls { get; private set; } = Array.Empty<PollResult>().ToLookup(_ => Guid.Empty);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var q = db.RootCauses.AsNoTracking().Where(c => c.IsPublic);
        if (Id is { } id) q = q.Where(c => c.Id == id);
        var rows = await q.OrderBy(c => c.Status == RootCauseStatus.Resolved).ThenByDescending(c => c.PublishedAtUtc).Take(200)
            .Select(c => new { c.Id, c.Title, c.Description, c.TopicId, c.TerritoryId, c.Status, c.ResolvedAtUtc, Appeals = c.Appeals.Count,
                Measures = c.Measures.OrderBy(m => m.DueOn).Select(m => new { m.Text, m.OwnerOrganisationId, m.DueOn, Done = m.DoneAtUtc != null }).ToList() })
            .ToListAsync(ct);
        if (Id is not null && rows.Count == 0) return NotFound();
        var topics = await db.Topics.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var territories = await db.Territories.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var orgs = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        Cards = [.. rows.Select(c => new Card(c.Id, c.Title, c.Description, c.TopicId is { } t ? topics.GetValueOrDefault(t) : null,
            c.TerritoryId is { } p ? territories.GetValueOrDefault(p) : null, c.Status, c.ResolvedAtUtc, c.Appeals,
            [.. c.Measures.Select(m => new Measure(m.Text, orgs.GetValueOrDefault(m.OwnerOrganisationId, ""), m.DueOn, m.Done))]))];
        var ids = Cards.Select(c => c.Id).ToList();
        var polls = await db.Polls.AsNoTracking().Include(p => p.Options).Where(p => p.RootCauseId != null && ids.Contains(p.RootCauseId.Value)).ToListAsync(ct);
        var pollIds = polls.Select(p => p.Id).ToList();
        var counts = await db.PollVotes.AsNoTracking().Where(v => pollIds.Contains(v.PollId)).GroupBy(v => v.OptionId).Select(g => new { g.Key, N = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.N, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        // Results only as the poll itself shows them to someone who has not voted: after the closing.
        Polls = polls.Select(p => (p.RootCauseId!.Value, new PollResult(p.Id, p.Question, p.ClosesAtUtc, p.MayShowResults(false, now),
                p.Options.Sum(o => counts.GetValueOrDefault(o.Id)),
                [.. p.Options.OrderByDescending(o => counts.GetValueOrDefault(o.Id)).ThenBy(o => o.Order).Select(o => (o.Text, counts.GetValueOrDefault(o.Id)))])))
            .ToLookup(x => x.Item1, x => x.Item2);
        return Page();
    }
}
