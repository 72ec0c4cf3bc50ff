using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Data;

namespace Otklik.Features.Discussions;

/// <summary>The portal's public discussions: the open ones, then the finished ones with their summaries.</summary>
public sealed class IndexModel(AppDbContext db, TimeProvider clock) : PageModel
{
    public IReadOnlyList<DiscussionsApi.ListItem> Items { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Items = await DiscussionsApi.ListAsync(db, null, clock.GetUtcNow().UtcDateTime, ct);
}
