using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Notifications;
using Otklik.Infrastructure;

namespace Otklik.Features.Teamwork;

/// <summary>
/// One chat: the last messages, the form to write (works without script), and the live updates — teamwork.js asks the
/// messages API for what came after the last one shown (the seam a push transport can replace, ADR 0051).
/// </summary>
[Authorize]
public sealed class ChatModel(TeamService team, AppDbContext db, NoticeSettings notices) : PageModel
{
    public const int Shown = 100;

    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public string? Text { get; set; }
    public Chat? Item { get; private set; }
    public IReadOnlyList<TeamService.MessageView> Messages { get; private set; } = [];
    public IReadOnlyList<string> Members { get; private set; } = [];
    public IReadOnlyList<TeamworkApi.TaskView> Tasks { get; private set; } = [];
    public string? Error { get; private set; }
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    /// <summary>The zone's offset now, by the app's clock: the live chat writes new messages' times with it.</summary>
    public double ZoneOffsetMinutes => Zone.GetUtcOffset(team.Now).TotalMinutes;
    /// <summary>How often the page asks for new messages, in seconds (a fifth of the bell's period, at least 1).</summary>
    public int PollSeconds => Math.Max(1, notices.PollSeconds / 5);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        Messages = await team.MessagesAsync(Item!, 0, Shown, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        try
        {
            var m = await team.PostAsync(Item!, Text, ct);
            return Redirect($"/office/teamwork/chats/{Id}#m{m.Id}");
        }
        catch (InputException e) { Error = string.Join(" ", e.Errors.Values.SelectMany(v => v)); Response.StatusCode = 422; }
        db.ChangeTracker.Clear();
        Messages = await team.MessagesAsync(Item!, 0, Shown, ct);
        return Page();
    }

    async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (!await team.IsStaffAsync(ct)) return Forbid();
        Item = await team.ChatAsync(Id, ct);
        if (Item is null) return NotFound();
        Zone = await team.ZoneAsync(ct);
        var members = await team.MembersAsync(Item, ct);
        Members = [.. (await team.NamesAsync(members, ct)).Values.Order()];
        var tasks = await db.TeamTasks.AsNoTracking().Include(t => t.Items).Where(t => t.ChatId == Id).OrderBy(t => t.DoneAtUtc != null).ThenBy(t => t.DueOn).ToListAsync(ct);
        var names = await team.NamesAsync(tasks.Select(t => t.OwnerId), ct);
        Tasks = [.. tasks.Select(t => TeamworkApi.View(t, names.GetValueOrDefault(t.OwnerId, "—"), DateOnly.FromDateTime(team.Now)))];
        return null;
    }
}
