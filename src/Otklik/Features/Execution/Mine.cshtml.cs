using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Execution;

/// <summary>The executor's appeals, nearest deadline first.</summary>
[Authorize]
public sealed class MineModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public const int MaxRows = 200;

    public IReadOnlyList<Appeal> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public LocalTimes Times { get; private set; } = new(new Dictionary<Guid, string>());
    public DateTime NowUtc { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        NowUtc = clock.GetUtcNow().UtcDateTime;
        var query = await Queues.QueryAsync(Queue.Mine, db, user, NowUtc, ct);
        Total = await query.CountAsync(ct);
        Rows = await query.OrderBy(a => a.DueAtUtc).ThenBy(a => a.Number).Take(MaxRows).ToListAsync(ct);
        Times = await LocalTimes.LoadAsync(db, ct);
    }
}
