using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Surveys;

/// <summary>
/// The portal's list of polls (issue 22.6): the open ones with the territory whose residents vote, and those closed in the
/// last <see cref="RecentDays"/> days with their results. The public map shows the same open polls on their territories.
/// </summary>
public sealed class PollListModel(AppDbContext db, TimeProvider clock) : PageModel
{
    public const int RecentDays = 90;

    /// <summary>A poll as the portal lists it; <see cref="TerritoryId"/> null is the whole region.</summary>
    public sealed record Row(Guid Id, string Question, Guid? TerritoryId, string? Territory, DateTime ClosesAtUtc, int Votes);

    public IReadOnlyList<Row> Open { get; private set; } = [];
    public IReadOnlyList<Row> Closed { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        Open = await OpenAsync(db, now, ct);
        Closed = await RowsAsync(db, db.Polls.Where(p => p.ClosesAtUtc <= now && p.ClosesAtUtc > now.AddDays(-RecentDays)), ct);
    }

    /// <summary>The polls open now, closing soonest first (the list and the public map).</summary>
    public static Task<IReadOnlyList<Row>> OpenAsync(AppDbContext db, DateTime nowUtc, CancellationToken ct) =>
        RowsAsync(db, db.Polls.Where(p => p.OpensAtUtc <= nowUtc && p.ClosesAtUtc > nowUtc), ct);

    static async Task<IReadOnlyList<Row>> RowsAsync(AppDbContext db, IQueryable<Poll> polls, CancellationToken ct)
    {
        var rows = await polls.AsNoTracking().OrderBy(p => p.ClosesAtUtc).Select(p => new { p.Id, p.Question, p.TerritoryId, p.ClosesAtUtc }).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var votes = await db.PollVotes.AsNoTracking().Where(v => ids.Contains(v.PollId)).GroupBy(v => v.PollId).Select(g => new { g.Key, N = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.N, ct);
        var names = await db.Territories.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        return [.. rows.Select(r => new Row(r.Id, r.Question, r.TerritoryId, r.TerritoryId is { } t ? names.GetValueOrDefault(t) : null, r.ClosesAtUtc, votes.GetValueOrDefault(r.Id)))];
    }
}
