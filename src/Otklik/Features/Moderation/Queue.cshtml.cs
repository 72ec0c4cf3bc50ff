using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;

namespace Otklik.Features.Moderation;

/// <summary>The moderation queue (or the clarification queue), most urgent first: the order of the moderation deadline.</summary>
[Authorize]
public sealed class QueueModel(AppDbContext db, CurrentUser user, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    public sealed record Row(Guid Id, string Number, Channel Channel, DateTime ReceivedAtUtc, DateTime DueAtUtc, DeadlineState? Deadline,
        Guid CategoryId, Guid? TopicId, string? Address, string Excerpt, string Applicant, string? ClarificationQuestion);

    [BindProperty(SupportsGet = true)] public bool Clarification { get; set; }
    public int PageNumber { get; private set; } = 1;

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
    public Dictionary<Guid, string> Categories { get; private set; } = [];
    public Dictionary<Guid, string> Topics { get; private set; } = [];
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public DateTime NowUtc { get; private set; }
    public string? Notice { get; private set; }
    public string? Refusal { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var roles = await user.RolesAsync(ct);
        if (!roles.Any(r => r.Role == Role.Moderator))
        {
            Refusal = "Очередь модерации доступна только модераторам.";
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        NowUtc = clock.GetUtcNow().UtcDateTime;
        Notice = TempData["Notice"] as string;
        Zone = await ModerationScreens.ZoneOfAsync(db, roles.First(r => r.Role == Role.Moderator).OrganisationId, ct);

        var query = await Queues.QueryAsync(Clarification ? Queue.Clarification : Queue.Moderation, db, user, NowUtc, ct);
        Total = await query.CountAsync(ct);
        // Read by hand: "page" is the route value naming the Razor page, which model binding would take instead.
        PageNumber = Math.Clamp(int.TryParse(Request.Query["page"], out var requested) ? requested : 1, 1, Pages);
        var rows = await query.OrderBy(a => a.DueAtUtc).ThenBy(a => a.Id)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize)
            .Select(a => new
            {
                a.Id, a.Number, a.Channel, a.ReceivedAtUtc, a.DueAtUtc, a.AtRiskFromUtc, a.Status, a.PausedAtUtc, a.WatchLevel, a.CategoryId, a.TopicId, a.Address,
                Text = a.Text.Substring(0, 300), a.Applicant.Kind, a.Applicant.LastName, a.Applicant.FirstName, a.Applicant.OrganisationName,
                a.ClarificationQuestion,
            })
            .ToListAsync(ct);
        Rows = [.. rows.Select(a => new Row(a.Id, a.Number, a.Channel, a.ReceivedAtUtc, a.DueAtUtc,
            DeadlineStates.Of(a.Status, a.PausedAtUtc, a.DueAtUtc, a.AtRiskFromUtc, a.WatchLevel, NowUtc), a.CategoryId, a.TopicId, a.Address,
            ModerationScreens.Excerpt(a.Text, 160),
            a.Kind switch
            {
                ApplicantKind.Organisation => a.OrganisationName ?? "",
                ApplicantKind.Anonymous => "Аноним",
                _ => string.Join(' ', new[] { a.LastName, a.FirstName }.Where(s => !string.IsNullOrWhiteSpace(s))),
            },
            a.ClarificationQuestion))];
        Categories = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        Topics = await db.Topics.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        return Page();
    }

    public string PageLink(int page) => $"/office/moderation?{(Clarification ? "clarification=true&" : "")}page={page}";
}
