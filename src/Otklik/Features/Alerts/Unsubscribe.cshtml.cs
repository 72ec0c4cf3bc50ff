using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Portal.Public;

namespace Otklik.Features.Alerts;

/// <summary>
/// One-click unsubscribe (RFC 8058). The link of every alert letter, and its List-Unsubscribe header, carry a signed
/// token: a GET shows what the alert is and a button (mail scanners open links, so a GET changes nothing); a POST —
/// the button, or the mail program's own «Отписаться» with <c>List-Unsubscribe=One-Click</c> — deletes the alert with
/// no sign-in and no antiforgery token (the mail program has neither; the signed token is the proof).
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class UnsubscribeModel(AppDbContext db, AlertTokens tokens) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "t")] public string? Token { get; set; }

    /// <summary>What the alert follows (null: no such alert — a bad link, or already unsubscribed).</summary>
    public string? What { get; private set; }
    public bool Done { get; private set; }
    /// <summary>The same, as a title («Территория «Город А»»).</summary>
    public string? Title { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await FindAsync(ct) is { } s)
        {
            var names = await PublicNames.LoadAsync(db, ct);
            What = await AlertLetters.DescribeAsync(db, s, names, ct);
            Title = await AlertLetters.DescribeAsync(db, s, names, ct, title: true);
        }
        else Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await FindAsync(ct) is not { } s)
        {
            // Unsubscribing twice is no error: the person is unsubscribed, as they asked.
            Done = tokens.Read(AlertTokens.Unsubscribe, Token) is not null;
            if (!Done) Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        What = await AlertLetters.DescribeAsync(db, s, await PublicNames.LoadAsync(db, ct), ct);
        await db.AlertSubscriptions.Where(x => x.Id == s.Id).ExecuteDeleteAsync(ct);
        Done = true;
        return Page();
    }

    async Task<AlertSubscription?> FindAsync(CancellationToken ct) =>
        tokens.Read(AlertTokens.Unsubscribe, Token) is { } id ? await db.AlertSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct) : null;
}
