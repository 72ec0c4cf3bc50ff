using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Platforms;
using Otklik.Infrastructure;

namespace Otklik.Features.Administration;

/// <summary>
/// The outside platforms (issue 19 item 3, ADR 0043): each configured platform with its channel and callback, how many
/// messages it brought, when it last sent one and last heard a status, and its last error — what the region's
/// administrator looks at when a platform says "you did not answer". Platforms are configured, not edited here.
/// </summary>
public sealed class PlatformsModel(AppDbContext db, CurrentUser user, PlatformDirectory platforms) : AdminPage(db, user)
{
    protected override bool RegionOnly => true;

    public sealed record Row(Platform Platform, int Messages, DateTime? LastReceivedAtUtc, DateTime? LastSentAtUtc, long Refused,
        DateTime? LastErrorAtUtc, string? LastError, int Failing);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var names = platforms.All.Select(p => p.StateName).ToList();
        var states = await Db.ChannelStates.AsNoTracking().Where(s => names.Contains(s.Name)).ToDictionaryAsync(s => s.Name, ct);
        var counts = await Db.PlatformMessages.AsNoTracking().GroupBy(m => m.Platform)
            .Select(g => new { g.Key, Count = g.Count(), Failing = g.Count(m => m.LastError != null) }).ToDictionaryAsync(x => x.Key, ct);
        Rows = [.. platforms.All.OrderBy(p => p.Title, StringComparer.CurrentCulture).Select(p =>
        {
            var s = states.GetValueOrDefault(p.StateName);
            var c = counts.GetValueOrDefault(p.Code);
            return new Row(p, c?.Count ?? 0, s?.LastReceivedAtUtc, s?.LastSentAtUtc, s?.Refused ?? 0, s?.LastErrorAtUtc, s?.LastError, c?.Failing ?? 0);
        })];
    }
}
