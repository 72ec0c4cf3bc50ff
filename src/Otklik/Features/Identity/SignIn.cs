using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;

namespace Otklik.Features.Identity;

/// <summary>Password sign-in shared by the API and the pages: one place checks the password, counts failures and issues the cookie.</summary>
public static class SignIn
{
    /// <summary>The person's security stamp when the cookie was issued; a cookie whose stamp is no longer the person's is refused.</summary>
    public const string StampClaim = "otklik:stamp";

    public static async Task<Person?> WithPasswordAsync(HttpContext http, UserManager<Person> users, string email, string password)
    {
        var person = await users.FindByEmailAsync(email.Trim());
        if (person is null || await users.IsLockedOutAsync(person) || !await users.CheckPasswordAsync(person, password))
        {
            if (person is not null) await users.AccessFailedAsync(person);
            return null;
        }
        // A portal account whose e-mail is not confirmed yet cannot sign in (the portal's sign-in page says why).
        if (!person.EmailConfirmed) return null;
        await users.ResetAccessFailedCountAsync(person);
        await IssueCookieAsync(http, person);
        return person;
    }

    /// <summary>The session cookie for a person already identified (by password or by an external provider).</summary>
    public static async Task IssueCookieAsync(HttpContext http, Person person)
    {
        var identity = new ClaimsIdentity([
            new Claim(ClaimTypes.NameIdentifier, person.Id.ToString()),
            new Claim(ClaimTypes.Name, person.FullName),
            new Claim(StampClaim, person.SecurityStamp ?? ""),
        ], CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>
    /// Signing out ends every session of the person, on every node and in every browser: the security stamp changes, and
    /// each cookie-authenticated request compares its stamp with the database's (<see cref="ValidateSessionAsync"/>).
    /// </summary>
    public static async Task SignOutEverywhereAsync(HttpContext http)
    {
        var authenticated = await http.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (authenticated.Principal?.FindFirstValue(ClaimTypes.NameIdentifier) is { } id)
        {
            var users = http.RequestServices.GetRequiredService<UserManager<Person>>();
            if (await users.FindByIdAsync(id) is { } person) await users.UpdateSecurityStampAsync(person);
        }
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// Checked on every cookie-authenticated request against the database (one primary-key read), not at an interval and
    /// not from a per-node cache: a sign-out, a password reset or a password change must end a stolen or forgotten session
    /// at once on every node, and a check at an interval would leave the old cookie working until it came round.
    /// </summary>
    public static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var stamp = principal?.FindFirstValue(StampClaim);
        var valid = false;
        if (stamp is not null && Guid.TryParse(principal!.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
        {
            var db = context.HttpContext.RequestServices.GetRequiredService<AppDbContext>();
            var current = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new { Stamp = u.SecurityStamp ?? "" })
                .SingleOrDefaultAsync(context.HttpContext.RequestAborted);
            valid = current is not null && string.Equals(current.Stamp, stamp, StringComparison.Ordinal);
        }
        if (valid) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
