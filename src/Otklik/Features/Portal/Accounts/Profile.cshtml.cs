using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Otklik.Data;
using Otklik.Features.Attachments;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Portal.Accounts;

/// <summary>
/// The person's own profile: names, phone, consents, organisation, a photo (checked by its bytes like every upload, and
/// only a photo) and the password. The e-mail is the sign-in name and is shown, not edited here.
/// </summary>
[Authorize]
[RequestSizeLimit(ContentSniffer.MaxPhotoBytes + 256 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = ContentSniffer.MaxPhotoBytes + 256 * 1024)]
public sealed class ProfileModel(UserManager<Person> users, AppDbContext db, CurrentUser user, IFileStore files, TimeProvider clock) : AccountPage
{
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? MiddleName { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public bool NotifyByEmail { get; set; }
    [BindProperty] public bool PublicationConsent { get; set; }
    [BindProperty] public bool IsOrganisation { get; set; }
    [BindProperty] public string? OrganisationName { get; set; }
    [BindProperty] public string? Inn { get; set; }
    [BindProperty] public string? CurrentPassword { get; set; }
    [BindProperty] public string? NewPassword { get; set; }
    [BindProperty] public string? NewPasswordConfirm { get; set; }

    public string Email { get; private set; } = "";
    public bool HasPhoto { get; private set; }
    public bool HasPassword { get; private set; }
    public string? Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var me = await MeAsync();
        if (me is null) return Challenge();
        (LastName, FirstName, MiddleName, Phone) = (me.LastName, me.FirstName, me.MiddleName, me.PhoneNumber);
        (NotifyByEmail, PublicationConsent) = (me.NotifyByEmail, me.PublicationConsent);
        (IsOrganisation, OrganisationName, Inn) = (me.OrganisationInn is not null || me.OrganisationName is not null, me.OrganisationName, me.OrganisationInn);
        Saved = Request.Query["saved"].ToString() switch
        {
            "profile" => "Изменения сохранены.",
            "photo" => "Фотография сохранена.",
            "password" => "Пароль изменён.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var me = await MeAsync();
        if (me is null) return Challenge();
        Require("LastName", LastName, "Укажите фамилию.");
        Require("FirstName", FirstName, "Укажите имя.");
        Optional("MiddleName", MiddleName);
        CheckPhone(Phone);
        CheckOrganisation(IsOrganisation, OrganisationName, Inn);
        if (Errors.Count > 0) return Refused();
        me.LastName = LastName!.Trim();
        me.FirstName = FirstName!.Trim();
        me.MiddleName = Blank(MiddleName);
        me.PhoneNumber = Blank(Phone);
        me.NotifyByEmail = NotifyByEmail;
        me.PublicationConsent = PublicationConsent;
        me.OrganisationName = IsOrganisation ? Blank(OrganisationName) : null;
        me.OrganisationInn = IsOrganisation ? Blank(Inn) : null;
        var updated = await users.UpdateAsync(me);
        if (!updated.Succeeded) { PortalAccounts.AddIdentityErrors(Errors, updated.Errors, "LastName"); return Refused(); }
        return Redirect("/account/profile?saved=profile");
    }

    public async Task<IActionResult> OnPostPhotoAsync(IFormFile? photo, CancellationToken ct)
    {
        var me = await MeAsync();
        if (me is null) return Challenge();
        try
        {
            var file = await AttachmentsApi.CheckFileAsync(photo, "Photo", ct);
            if (file.Kind != AttachmentKind.Photo)
                throw new InputException("Photo", "attachment.type", "Загрузите фотографию: JPEG, PNG, WebP или HEIC.");
            var stored = await AttachmentsApi.StoreAsync(file, db, files, me.Id, clock.GetUtcNow().UtcDateTime, null, AttachmentPurpose.ProfilePhoto, ct);
            me.PhotoAttachmentId = stored.Id;
            await db.SaveChangesAsync(ct);
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors) Errors[field] = string.Join(" ", messages);
            Fill(me);
            return Refused();
        }
        return Redirect("/account/profile?saved=photo");
    }

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        var me = await MeAsync();
        if (me is null) return Challenge();
        var hasPassword = await users.HasPasswordAsync(me);
        if (hasPassword && string.IsNullOrEmpty(CurrentPassword)) Errors["CurrentPassword"] = "Укажите текущий пароль.";
        if (string.IsNullOrEmpty(NewPassword)) Errors["NewPassword"] = "Придумайте новый пароль.";
        if (string.IsNullOrEmpty(NewPasswordConfirm)) Errors["NewPasswordConfirm"] = "Повторите новый пароль.";
        else if (NewPassword != NewPasswordConfirm) Errors["NewPasswordConfirm"] = "Пароли не совпадают.";
        if (Errors.Count == 0)
        {
            var result = hasPassword ? await users.ChangePasswordAsync(me, CurrentPassword!, NewPassword!) : await users.AddPasswordAsync(me, NewPassword!);
            if (result.Succeeded)
            {
                // The new password ends every other session (the stamp changed); this one goes on with a fresh cookie.
                await Identity.SignIn.IssueCookieAsync(HttpContext, me);
                return Redirect("/account/profile?saved=password");
            }
            PortalAccounts.AddIdentityErrors(Errors, result.Errors, "NewPassword");
        }
        Fill(me);
        return Refused();
    }

    async Task<Person?> MeAsync()
    {
        var me = user.Id is { } id ? await users.FindByIdAsync(id.ToString()) : null;
        if (me is null) return null;
        Email = me.Email ?? "";
        HasPhoto = me.PhotoAttachmentId is not null;
        HasPassword = await users.HasPasswordAsync(me);
        return me;
    }

    /// <summary>The profile part of the page, as stored, when another of its forms was refused.</summary>
    void Fill(Person me)
    {
        (LastName, FirstName, MiddleName, Phone) = (me.LastName, me.FirstName, me.MiddleName, me.PhoneNumber);
        (NotifyByEmail, PublicationConsent) = (me.NotifyByEmail, me.PublicationConsent);
        (IsOrganisation, OrganisationName, Inn) = (me.OrganisationInn is not null || me.OrganisationName is not null, me.OrganisationName, me.OrganisationInn);
    }
}
