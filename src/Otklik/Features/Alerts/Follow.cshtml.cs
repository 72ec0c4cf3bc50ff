using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Mail;
using Otklik.Features.Portal.Accounts;
using Otklik.Features.Portal.Public;
using Otklik.Infrastructure;

namespace Otklik.Features.Alerts;

/// <summary>
/// «Следить за обращением»: a signed-in person follows a published appeal at once; a visitor gives an e-mail and gets a
/// letter with a link that confirms it (nothing is sent to an address nobody confirmed). A separate page, not a form on
/// the appeal's page: that page is cached for visitors, and a form would give each of them an antiforgery cookie.
/// </summary>
public sealed class FollowModel(AppDbContext db, CurrentUser user, AlertTokens tokens, TimeProvider clock, OutboxDispatcher outbox) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Number { get; set; } = "";
    [BindProperty] public string? Email { get; set; }

    public bool SignedIn => user.IsAuthenticated;
    public bool Found { get; private set; }
    public string? Error { get; private set; }
    public string? SentTo { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Found = await AppealIdAsync(ct) is not null;
        if (!Found) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await AppealIdAsync(ct) is not { } appealId) { Response.StatusCode = StatusCodes.Status404NotFound; return Page(); }
        Found = true;
        var now = clock.GetUtcNow().UtcDateTime;
        if (user.Id is { } me)
        {
            var added = await FollowAsync(db, appealId, me, now, ct);
            TempData["Notice"] = added ? "Вы подписались на новости этого обращения: письмо придёт, когда будет дан ответ." : "Вы уже подписаны на новости этого обращения.";
            return Redirect($"/appeals/{Number}#follow");
        }
        if (BotCheck.Check(HttpContext) is { } bot) { Error = bot; return Page(); }
        AlertSubscription s;
        try { s = AlertSubscription.ForAppealByEmail(appealId, Email, now); }
        catch (InputException e) { Error = e.Message; return Page(); }
        // One pending request per address and appeal: asking again sends the letter again, but never a pile of rows.
        var email = s.Email!;
        var existing = await db.AlertSubscriptions.Where(x => x.AppealId == appealId && x.PersonId == null && x.Email == email).FirstOrDefaultAsync(ct);
        if (existing is { IsConfirmed: true }) { SentTo = email; return Page(); }
        if (existing is null) db.AlertSubscriptions.Add(s); else s = existing;
        db.Outbox.Add(OutboxMessage.Create(MessageTypes.AlertConfirm,
            new { subscriptionId = s.Id, confirm = AlertTokens.ConfirmPath(tokens.For(AlertTokens.Confirm, s.Id)) }, appealId, now));
        await db.SaveChangesAsync(ct);
        outbox.Nudge();
        SentTo = email;
        return Page();
    }

    /// <summary>Follows the appeal for a signed-in person; false when they follow it already.</summary>
    public static async Task<bool> FollowAsync(AppDbContext db, Guid appealId, Guid personId, DateTime nowUtc, CancellationToken ct)
    {
        if (await db.AlertSubscriptions.AnyAsync(s => s.AppealId == appealId && s.PersonId == personId, ct)) return false;
        db.AlertSubscriptions.Add(AlertSubscription.ForAppeal(appealId, personId, nowUtc));
        await db.SaveChangesAsync(ct);
        return true;
    }

    async Task<Guid?> AppealIdAsync(CancellationToken ct) => Number.Length > 20 ? null
        : await db.Appeals.AsNoTracking().Visible().Where(a => a.Number == Number).Select(a => (Guid?)a.Id).SingleOrDefaultAsync(ct);
}
