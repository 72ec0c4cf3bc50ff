using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Directory;

namespace Otklik.Features.Portal.Accounts;

/// <summary>
/// The link from the confirmation letter: a valid, unexpired token confirms the address. A link that carries the page
/// the person was going to (registration started from the appeal form) also signs an applicant in and returns there;
/// a staff account is never signed in by a link.
/// </summary>
[AllowAnonymous]
public sealed class ConfirmModel(UserManager<Person> users, Data.AppDbContext db) : AccountPage
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty(SupportsGet = true)] public string? UserId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    public bool Confirmed { get; private set; }
    public string? Email { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var person = Guid.TryParse(UserId, out var id) ? await users.FindByIdAsync(id.ToString()) : null;
        if (person is not null && !string.IsNullOrEmpty(Token) && (await users.ConfirmEmailAsync(person, Token)).Succeeded)
        {
            Confirmed = true;
            Email = person.Email;
            if (PortalAccounts.LocalOr(ReturnUrl, "") is { Length: > 0 } back
                && !await db.RoleAssignments.AnyAsync(r => r.PersonId == person.Id && r.Role != Role.Applicant))
            {
                await Identity.SignIn.IssueCookieAsync(HttpContext, person);
                return LocalRedirect(back);
            }
            return Page();
        }
        Email = person?.Email;
        Error = "Ссылка недействительна или устарела. Запросите новое письмо для подтверждения.";
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
