using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Otklik.Data;
using Otklik.Features.Directory;

namespace Otklik.Features.Portal.Accounts;

/// <summary>A new confirmation letter. The answer is the same whether or not the address is known, so nobody learns who is registered.</summary>
[AllowAnonymous, EnableRateLimiting(PortalAccounts.AccountsPolicy)]
public sealed class ResendModel(UserManager<Person> users, AppDbContext db) : AccountPage
{
    [BindProperty(SupportsGet = true)] public string? Email { get; set; }
    public bool Sent { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (BotCheck.Check(HttpContext) is { } bot) { Error = bot; return Refused(); }
        if (Blank(Email) is not { } email) Errors["Email"] = "Укажите адрес электронной почты.";
        else if (!PortalAccounts.IsEmail(email)) Errors["Email"] = "Неверный адрес электронной почты.";
        if (Errors.Count > 0) return Refused();
        if (await users.FindByEmailAsync(Email!.Trim()) is { EmailConfirmed: false } person)
            await PortalAccounts.QueueConfirmationAsync(HttpContext, users, db, person, ct);
        Sent = true;
        return Page();
    }
}
