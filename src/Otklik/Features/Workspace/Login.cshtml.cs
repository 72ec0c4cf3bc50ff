using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Otklik.Features.Directory;
using Otklik.Features.Identity;

namespace Otklik.Features.Workspace;

[AllowAnonymous]
public sealed class LoginModel(UserManager<Person> users) : PageModel
{
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public Dictionary<string, string> Errors { get; } = [];
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrWhiteSpace(Email)) Errors["Email"] = "Укажите адрес электронной почты.";
        if (string.IsNullOrEmpty(Password)) Errors["Password"] = "Укажите пароль.";
        if (Errors.Count > 0) return Page();
        var result = await Identity.SignIn.WithPasswordAsync(HttpContext, users, Email!, Password!);
        if (result.Outcome == Identity.SignIn.Outcome.Throttled)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = result.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Error = $"Слишком много неудачных попыток входа. Повторите через {result.RetryAfterSeconds} с или восстановите пароль.";
            return Page();
        }
        if (result.Outcome != Identity.SignIn.Outcome.SignedIn)
        {
            Error = "Неверный адрес электронной почты или пароль.";
            return Page();
        }
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/office");
    }
}
