using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Otklik.Features.Portal.Accounts;

/// <summary>Signing out is a POST (a link or an image cannot sign anyone out); the GET shows the button.</summary>
[AllowAnonymous]
public sealed class LogoutModel : AccountPage
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        await Identity.SignIn.SignOutEverywhereAsync(HttpContext);
        return LocalRedirect("/");
    }
}
