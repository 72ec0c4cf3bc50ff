using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Notifications;

/// <summary>The person chooses per kind of notice: the office only, or also a letter at once, or the day's digest.</summary>
[Authorize]
public sealed class SettingsModel(AppDbContext db, CurrentUser user) : PageModel
{
    public IReadOnlyList<NotificationsApi.Setting> Settings { get; private set; } = [];
    [BindProperty] public Dictionary<NoticeKind, NoticeDelivery> Chosen { get; set; } = [];
    public string? Email { get; private set; }
    public bool Saved { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // A value that is not one of the kinds or ways (a hand-made form) is refused; nothing is saved then.
        if (!ModelState.IsValid || Chosen.Any(c => !Enum.IsDefined(c.Key) || !Enum.IsDefined(c.Value)))
        {
            Error = "Выберите для каждого вида уведомлений один из предложенных способов.";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(ct);
            return Page();
        }
        await NotificationsApi.SaveSettingsAsync(db, user.RequiredId, Chosen, ct);
        Saved = true;
        await LoadAsync(ct);
        return Page();
    }

    async Task LoadAsync(CancellationToken ct)
    {
        Settings = await NotificationsApi.SettingsAsync(db, user.RequiredId, ct);
        var me = user.RequiredId;
        Email = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleOrDefaultAsync(
            db.Users.Where(u => u.Id == me).Select(u => u.Email), ct);
    }
}
