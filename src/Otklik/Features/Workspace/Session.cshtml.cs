using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Otklik.Features.Workspace;

[AllowAnonymous]
public sealed class LogoutModel : PageModel
{
    public async Task<IActionResult> OnPostAsync()
    {
        await Identity.SignIn.SignOutEverywhereAsync(HttpContext);
        return Redirect("/office/login");
    }
}

/// <summary>
/// The high-contrast version that Russian state sites must offer; remembered in a cookie. It takes no antiforgery token:
/// a forged request can only switch someone's display, and the portal's cached pages cannot carry a per-visitor token.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class ContrastModel : PageModel
{
    public IActionResult OnPost(string? returnUrl)
    {
        var high = Request.Cookies["contrast"] != "high";
        Response.Cookies.Append("contrast", high ? "high" : "normal", new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365) });
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/office");
    }
}
