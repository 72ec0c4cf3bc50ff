using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Otklik.Features.Directory;

namespace Otklik.Features.Portal.Accounts;

/// <summary>
/// A new password by the link from the reset letter. The link came by e-mail, so it also confirms the address, and it
/// lifts a lockout; the security stamp changes, so the same link does not work twice.
/// </summary>
[AllowAnonymous, EnableRateLimiting(PortalAccounts.AccountsPolicy)]
public sealed class ResetModel(UserManager<Person> users) : AccountPage
{
    [BindProperty(SupportsGet = true)] public string? UserId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string? PasswordConfirm { get; set; }
    public bool Done { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrEmpty(Password)) Errors["Password"] = "Придумайте новый пароль.";
        if (string.IsNullOrEmpty(PasswordConfirm)) Errors["PasswordConfirm"] = "Повторите пароль.";
        else if (Password != PasswordConfirm) Errors["PasswordConfirm"] = "Пароли не совпадают.";
        if (Errors.Count > 0) return Refused();

        var person = Guid.TryParse(UserId, out var id) ? await users.FindByIdAsync(id.ToString()) : null;
        var result = person is null || string.IsNullOrEmpty(Token)
            ? IdentityResult.Failed(new IdentityError { Code = nameof(IdentityErrorDescriber.InvalidToken) })
            : await users.ResetPasswordAsync(person, Token, Password!);
        if (!result.Succeeded)
        {
            PortalAccounts.AddIdentityErrors(Errors, result.Errors, "Password");
            if (Errors.Remove("", out var general)) Error = general + " Запросите новую ссылку.";
            if (Error is not null && Errors.Count == 0)
            {
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            }
            return Refused();
        }
        if (!person!.EmailConfirmed) { person.EmailConfirmed = true; await users.UpdateAsync(person); }
        await users.SetLockoutEndDateAsync(person, null);
        await users.ResetAccessFailedCountAsync(person);
        Done = true;
        return Page();
    }
}
