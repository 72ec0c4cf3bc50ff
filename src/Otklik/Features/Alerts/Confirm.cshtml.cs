using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Portal.Public;

namespace Otklik.Features.Alerts;

/// <summary>
/// A visitor confirms the address of an alert by the link of the confirmation letter: the GET shows a button (a mail
/// scanner that opens the link confirms nothing), the POST confirms. The signed token is the proof, as for unsubscribing.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ConfirmModel(AppDbContext db, AlertTokens tokens, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "t")] public string? Token { get; set; }

    public string? What { get; private set; }
    public string? AppealNumber { get; private set; }
    public bool Confirmed { get; private set; }
    public string? UnsubscribePath { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await FindAsync(ct) is not { } s) { Response.StatusCode = StatusCodes.Status404NotFound; return Page(); }
        await DescribeAsync(s, ct);
        Confirmed = s.IsConfirmed;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (tokens.Read(AlertTokens.Confirm, Token) is not { } id
            || await db.AlertSubscriptions.SingleOrDefaultAsync(s => s.Id == id, ct) is not { } s)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        s.Confirm(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        await DescribeAsync(s, ct);
        Confirmed = true;
        UnsubscribePath = AlertTokens.UnsubscribePath(tokens.For(AlertTokens.Unsubscribe, s.Id));
        return Page();
    }

    async Task DescribeAsync(AlertSubscription s, CancellationToken ct)
    {
        What = await AlertLetters.DescribeAsync(db, s, await PublicNames.LoadAsync(db, ct), ct);
        AppealNumber = s.AppealId is { } a ? await db.Appeals.AsNoTracking().Where(x => x.Id == a).Select(x => x.Number).SingleOrDefaultAsync(ct) : null;
    }

    async Task<AlertSubscription?> FindAsync(CancellationToken ct) =>
        tokens.Read(AlertTokens.Confirm, Token) is { } id ? await db.AlertSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct) : null;
}
