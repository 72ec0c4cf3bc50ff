using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Infrastructure;

namespace Otklik.Features.Teamwork;

/// <summary>One announcement: its text, «Прочитано» for a recipient (the receipt), and for its author who read it and who has not, with a reminder.</summary>
[Authorize]
public sealed class AnnouncementModel(TeamService team) : PageModel
{
    [FromRoute] public Guid Id { get; set; }
    public Announcement? Item { get; private set; }
    public string Author { get; private set; } = "";
    public AnnouncementRecipient? Mine { get; private set; }
    public TeamworkApi.Receipts? Receipts { get; private set; }
    public string? Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostReadAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        if (!await team.ReadAnnouncementAsync(Id, ct)) return NotFound();
        return Redirect($"/office/teamwork/announcements/{Id}?read=1");
    }

    public async Task<IActionResult> OnPostRemindAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refusal) return refusal;
        if (Item!.AuthorId != team.Me) return Forbid();
        var n = await team.RemindAsync(Id, ct);
        Done = n == 0 ? "Все уже прочитали: напоминать некому." : $"Напоминание отправлено: {n} чел.";
        await LoadAsync(ct);
        return Page();
    }

    async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (!await team.IsStaffAsync(ct)) return Forbid();
        Item = await team.AnnouncementAsync(Id, ct);
        if (Item is null) return NotFound();
        Zone = await team.ZoneAsync(ct);
        Author = (await team.NamesAsync([Item.AuthorId], ct)).GetValueOrDefault(Item.AuthorId, "—");
        Mine = Item.Recipients.SingleOrDefault(r => r.PersonId == team.Me);
        Receipts = await TeamworkApi.ReceiptsAsync(team, Id, ct);
        if (Request.Query["read"] == "1" && Mine?.ReadAtUtc is not null) Done = "Отмечено: вы прочитали объявление.";
        return null;
    }

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public string Local(DateTime utc) => TeamService.Local(utc, Zone);
}
