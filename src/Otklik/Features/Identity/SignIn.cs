using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Otklik.Features.Directory;

namespace Otklik.Features.Identity;

/// <summary>Password sign-in shared by the API and the pages: one place checks the password, counts failures and issues the cookie.</summary>
public static class SignIn
{
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
        ], CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
    }
}
