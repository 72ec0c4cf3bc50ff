using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Execution;
using Otklik.Features.Moderation;
using Otklik.Infrastructure;

namespace Otklik.Features.Portal.My;

/// <summary>The applicant's own appeals, newest first, with the stage each has reached.</summary>
[Authorize]
public sealed class IndexModel(AppDbContext db, CurrentUser user) : PageModel
{
    public const int PageSize = 20;

    public int PageNumber { get; private set; } = 1;

    public sealed record Row(string Number, DateTime ReceivedAtUtc, Guid OwnerOrganisationId, AppealType Type, string Category, AppealStatus Status, string Excerpt);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    /// <summary>Appeals from other channels (a letter, Telegram, VK, a call) that a moderator confirmed to be this person's (ADR 0052).</summary>
    public IReadOnlyList<(Row Row, Channel Channel)> OtherChannels { get; private set; } = [];
    public int Total { get; private set; }
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
    public LocalTimes Times { get; private set; } = new(new Dictionary<Guid, string>());

    public async Task OnGetAsync(CancellationToken ct)
    {
        var me = user.RequiredId;
        var mine = db.Appeals.AsNoTracking().Where(a => a.ApplicantUserId == me);
        Total = await mine.CountAsync(ct);
        // Read by hand: "page" is the route value naming the Razor page, which model binding would take instead.
        PageNumber = Math.Clamp(int.TryParse(Request.Query["page"], out var requested) ? requested : 1, 1, Pages);
        var rows = await mine.OrderByDescending(a => a.ReceivedAtUtc).ThenByDescending(a => a.Sequence)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize)
            .Select(a => new
            {
                a.Number, a.ReceivedAtUtc, a.OwnerOrganisationId, a.Type, a.Status,
                Category = db.Categories.Where(c => c.Id == a.CategoryId).Select(c => c.Name).FirstOrDefault(),
                Excerpt = a.Text.Substring(0, 300),
            }).ToListAsync(ct);
        Rows = [.. rows.Select(a => new Row(a.Number, a.ReceivedAtUtc, a.OwnerOrganisationId, a.Type, a.Category ?? "", a.Status,
            ModerationScreens.Excerpt(a.Excerpt, 160)))];
        var linked = await SamePerson.LinkedToAccount(db, me).AsNoTracking().OrderByDescending(a => a.ReceivedAtUtc).Take(50)
            .Select(a => new
            {
                a.Number, a.ReceivedAtUtc, a.OwnerOrganisationId, a.Type, a.Status, a.Channel,
                Category = db.Categories.Where(c => c.Id == a.CategoryId).Select(c => c.Name).FirstOrDefault(),
                Excerpt = a.Text.Substring(0, 300),
            }).ToListAsync(ct);
        OtherChannels = [.. linked.Select(a => (new Row(a.Number, a.ReceivedAtUtc, a.OwnerOrganisationId, a.Type, a.Category ?? "", a.Status,
            ModerationScreens.Excerpt(a.Excerpt, 160)), a.Channel))];
        Times = await LocalTimes.LoadAsync(db, ct);
    }
}
