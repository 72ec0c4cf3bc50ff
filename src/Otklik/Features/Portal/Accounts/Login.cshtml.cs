using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Directory;

namespace Otklik.Features.Portal.Accounts;

/// <summary>
/// The portal's sign-in, for applicants and staff alike. Failures slow further attempts from the same address (ADR 0015);
/// an account whose e-mail is unconfirmed is told so (only after the right password) and offered a new letter. ReturnUrl
/// is followed only when it is local.
/// </summary>
[AllowAnonymous, EnableRateLimiting(PortalAccounts.AccountsPolicy)]
public sealed class LoginModel(UserManager<Person> users, IConfiguration config) : AccountPage
{
    [BindProperty(SupportsGet = true)] public string? Email { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public bool Unconfirmed { get; private set; }
    public bool Oidc => PortalAccounts.OidcEnabled(config);
    public string OidcName => config["Otklik:Oidc:DisplayName"] ?? "Войти через внешний сервис";

    public void OnGet()
    {
        if (Request.Query["external"] == "failed") Error = "Не удалось войти через внешний сервис: он не передал подтверждённый адрес электронной почты.";
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Blank(Email) is null) Errors["Email"] = "Укажите адрес электронной почты.";
        if (string.IsNullOrEmpty(Password)) Errors["Password"] = "Укажите пароль.";
        if (Errors.Count > 0) return Refused();

        var result = await Identity.SignIn.WithPasswordAsync(HttpContext, users, Email!, Password!);
        switch (result.Outcome)
        {
            case Identity.SignIn.Outcome.Throttled:
                Response.Headers.RetryAfter = result.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Error = $"Слишком много неудачных попыток входа. Повторите через {result.RetryAfterSeconds} с или восстановите пароль.";
                Refused();
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return Page();
            case Identity.SignIn.Outcome.Unconfirmed:
                Unconfirmed = true;
                Error = "Адрес электронной почты ещё не подтверждён: откройте ссылку из письма, которое мы отправили при регистрации.";
                return Refused();
            case Identity.SignIn.Outcome.Invalid:
                Error = "Неверный адрес электронной почты или пароль.";
                return Refused();
        }
        var signedIn = result.Person!;
        var staff = await users.Users.Where(p => p.Id == signedIn.Id).SelectMany(p => p.Roles).AnyAsync(r => r.Role != Role.Applicant);
        return LocalRedirect(PortalAccounts.LocalOr(ReturnUrl, staff ? "/office" : "/my"));
    }
}
