using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Execution;

/// <summary>
/// «Части соисполнителя»: the open parts given to the person's organisations (as dispatcher or executor), each with its
/// own deadline counted in its organisation's clock; the nearest deadline first, at risk amber, overdue red.
/// </summary>
[Authorize]
public sealed class PartsModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public const int MaxRows = 200;

    public sealed record Row(AppealPart Part, string Number, AppealStatus Status, string Excerpt, string? Address, string Organisation, string Lead, DeadlineState State);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public LocalTimes Times { get; private set; } = new(new Dictionary<Guid, string>());
    public DateTime NowUtc { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        NowUtc = clock.GetUtcNow().UtcDateTime;
        var query = await Queues.PartsAsync(db, user, ct);
        Total = await query.CountAsync(ct);
        var parts = await query.OrderBy(p => p.DueAtUtc == null).ThenBy(p => p.DueAtUtc).ThenBy(p => p.AppealId).Take(MaxRows).ToListAsync(ct);
        var ids = parts.Select(p => p.AppealId).Distinct().ToList();
        var appeals = await db.Appeals.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.Number, a.Status, Excerpt = a.Text.Substring(0, 160), a.Address, Lead = a.ExecutorOrganisationId ?? a.OwnerOrganisationId })
            .ToDictionaryAsync(a => a.Id, ct);
        var names = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
        Rows = [.. parts.Select(p =>
        {
            var a = appeals[p.AppealId];
            return new Row(p, a.Number, a.Status, a.Excerpt, a.Address, names.GetValueOrDefault(p.OrganisationId) ?? "—", names.GetValueOrDefault(a.Lead) ?? "—",
                DeadlineStates.OfPart(p.OpenedAtUtc, p.DueAtUtc, NowUtc));
        })];
        Times = await LocalTimes.LoadAsync(db, ct);
    }
}
