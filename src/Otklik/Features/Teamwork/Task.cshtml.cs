using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Teamwork;

/// <summary>One task: its owner, due day and checklist; the owner (or its author) ticks items, and the last tick finishes it.</summary>
[Authorize]
public sealed class TaskModel(TeamService team, AppDbContext db) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    public TeamTask? Item { get; private set; }
    public string Owner { get; private set; } = "";
    public string Author { get; private set; } = "";
    public bool MayTick { get; private set; }
    public bool Overdue { get; private set; }
    public string? Failure { get; private set; }
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostTickAsync(Guid itemId, bool done, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        try
        {
            await team.TickAsync(Item!, itemId, done, ct);
            return Redirect($"/office/teamwork/tasks/{Id}#i{itemId}");
        }
        catch (Exception e) when (e is RuleException or InputException or DbUpdateConcurrencyException)
        {
            Failure = e is DbUpdateConcurrencyException ? "Чек-лист только что изменил другой сотрудник: посмотрите его заново." : e.Message;
            Response.StatusCode = 409;
        }
        db.ChangeTracker.Clear();
        await LoadAsync(ct);
        return Page();
    }

    async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (!await team.IsStaffAsync(ct)) return Forbid();
        Item = await team.TaskAsync(Id, ct);
        if (Item is null) return NotFound();
        Zone = await team.ZoneAsync(ct);
        var names = await team.NamesAsync([Item.OwnerId, Item.CreatedById], ct);
        Owner = names.GetValueOrDefault(Item.OwnerId, "—");
        Author = names.GetValueOrDefault(Item.CreatedById, "—");
        MayTick = Item.OwnerId == team.Me || Item.CreatedById == team.Me;
        Overdue = Item.IsOverdue(TeamService.Today(team.Now, Zone));
        return null;
    }
}
