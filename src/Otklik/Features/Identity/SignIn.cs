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

    public enum Outcome { SignedIn, Invalid, Unconfirmed, Throttled }

    /// <summary>What a password sign-in came to; <see cref="RetryAfter"/> is set when the attempt was not even checked.</summary>
    public sealed record Result(Outcome Outcome, Person? Person = null, TimeSpan? RetryAfter = null)
    {
        /// <summary>Whole seconds for the Retry-After header and the message, at least one.</summary>
        public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling((RetryAfter ?? TimeSpan.Zero).TotalSeconds));
    }

    /// <summary>
    /// Checks the password with the throttle of ADR 0015 in front of it. A known and an unknown address, or an account with
    /// no password, cost the same (a hash is always verified), so the answer's time does not tell who is registered.
    /// An unconfirmed account is reported as such only after the right password.
    /// </summary>
    public static async Task<Result> WithPasswordAsync(HttpContext http, UserManager<Person> users, string email, string password)
    {
        var services = http.RequestServices;
        var db = services.GetRequiredService<AppDbContext>();
        var throttle = services.GetRequiredService<SignInThrottling>();
        var ct = http.RequestAborted;
        var address = SignInThrottling.AddressOf(http);
        var account = SignInThrottling.AccountOf(users.NormalizeEmail(email.Trim()) ?? "");
        if (await throttle.WaitAsync(db, address, account, ct) is { } wait) return new(Outcome.Throttled, RetryAfter: wait);

        var person = await users.FindByEmailAsync(email.Trim());
        // A disabled account answers as a wrong password would, after the same work: the answer does not tell it exists.
        var right = person?.PasswordHash is not null ? await users.CheckPasswordAsync(person, password) && person.DisabledAtUtc is null
            : VerifyDummy(users, password);
        if (!right)
        {
            // Counted for the record (MaxFailedAccessAttempts is out of reach: no hard lockout, ADR 0015) and for the throttle.
            if (person is not null) await users.AccessFailedAsync(person);
            await throttle.FailedAsync(db, address, account, ct);
            return new(Outcome.Invalid);
        }
        await throttle.SucceededAsync(db, address, account, ct);
        // A portal account whose e-mail is not confirmed yet cannot sign in (the portal's sign-in page says why).
        if (!person!.EmailConfirmed) return new(Outcome.Unconfirmed, person);
        await users.ResetAccessFailedCountAsync(person);
        await IssueCookieAsync(http, person);
        return new(Outcome.SignedIn, person);
    }

    static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<Person>().HashPassword(new Person(), Guid.NewGuid().ToString()));

    /// <summary>The same work as checking a real password, for an address nobody holds (the answer is always no).</summary>
    static bool VerifyDummy(UserManager<Person> users, string password)
    {
        users.PasswordHasher.VerifyHashedPassword(new Person(), DummyHash.Value, password);
        return false;
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
