using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Otklik.Data;

namespace Otklik.Features.Portal.Public;

/// <summary>A bar chart drawn as inline SVG on the server, with its numbers in a table beside it.</summary>
public sealed record BarChart(string Id, string Title, string Column, IReadOnlyList<StatRow> Rows);

/// <summary>Statistics of the published appeals: charts with tables, and the same numbers as CSV (/stats.csv).</summary>
[OutputCache(PolicyName = PublicCache.Policy)]
public sealed class StatsModel(AppDbContext db, TimeProvider clock) : PageModel
{
    public PublicStatsData Stats { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) =>
        Stats = await PublicStats.LoadAsync(db, clock.GetUtcNow().UtcDateTime, ct);
}
