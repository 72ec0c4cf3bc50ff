using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Otklik.Data;
using Otklik.Features.Directory;

namespace Otklik.Features.Portal.Accounts;

/// <summary>
/// A new applicant's account: it can sign in once the e-mail is confirmed by the link sent to it. The answer does not
/// tell whether the address was already registered (issue 14, item 14).
/// </summary>
[AllowAnonymous, EnableRateLimiting(PortalAccounts.AccountsPolicy)]
public sealed class RegisterModel(UserManager<Person> users, AppDbContext db, TimeProvider clock) : AccountPage
{
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? MiddleName { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string? PasswordConfirm { get; set; }
    [BindProperty] public bool PersonalDataConsent { get; set; }
    [BindProperty] public bool NotifyByEmail { get; set; } = true;
    [BindProperty] public bool PublicationConsent { get; set; }
    [BindProperty] public bool IsOrganisation { get; set; }
    [BindProperty] public string? OrganisationName { get; set; }
    [BindProperty] public string? Inn { get; set; }
    /// <summary>Where the person was going (the form they were filling): the confirmation link brings them back there, signed in.</summary>
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }

    /// <summary>Set when the account was made: the page then says where the letter went.</summary>
    public string? SentTo { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (BotCheck.Check(HttpContext) is { } bot) { Error = bot; return Refused(); }
        Require("LastName", LastName, "Укажите фамилию.");
        Require("FirstName", FirstName, "Укажите имя.");
        Optional("MiddleName", MiddleName);
        if (Blank(Email) is not { } email) Errors["Email"] = "Укажите адрес электронной почты.";
        else if (!PortalAccounts.IsEmail(email)) Errors["Email"] = "Неверный адрес электронной почты.";
        CheckPhone(Phone);
        if (string.IsNullOrEmpty(Password)) Errors["Password"] = "Придумайте пароль.";
        if (string.IsNullOrEmpty(PasswordConfirm)) Errors["PasswordConfirm"] = "Повторите пароль.";
        else if (Password != PasswordConfirm) Errors["PasswordConfirm"] = "Пароли не совпадают.";
        if (!PersonalDataConsent) Errors["PersonalDataConsent"] = "Без согласия на обработку персональных данных зарегистрироваться нельзя.";
        CheckOrganisation(IsOrganisation, OrganisationName, Inn);
        if (Errors.Count > 0) return Refused();

        var person = new Person
        {
            Id = Guid.CreateVersion7(), UserName = Email!.Trim(), Email = Email.Trim(), EmailConfirmed = false,
            LastName = LastName!.Trim(), FirstName = FirstName!.Trim(), MiddleName = Blank(MiddleName), PhoneNumber = Blank(Phone),
            NotifyByEmail = NotifyByEmail, PublicationConsent = PublicationConsent,
            OrganisationName = IsOrganisation ? Blank(OrganisationName) : null, OrganisationInn = IsOrganisation ? Blank(Inn) : null,
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
            Roles = [new RoleAssignment { Id = Guid.CreateVersion7(), Role = Role.Applicant }],
        };
        var created = await users.CreateAsync(person, Password!);
        // A taken address gets the very answer a new one gets (the password was hashed either way, so the time is the same
        // too); its owner is told by letter that someone tried, so nobody learns from the page who is registered.
        if (!created.Succeeded && created.Errors.All(e => e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName))
            && await users.FindByEmailAsync(person.Email) is { } owner)
        {
            await PortalAccounts.QueueExistingAsync(HttpContext, db, owner, ct);
            SentTo = person.Email;
            return Page();
        }
        if (!created.Succeeded)
        {
            PortalAccounts.AddIdentityErrors(Errors, created.Errors, "Password");
            return Refused();
        }
        await PortalAccounts.QueueConfirmationAsync(HttpContext, users, db, person, ct, ReturnUrl);
        SentTo = person.Email;
        return Page();
    }
}
