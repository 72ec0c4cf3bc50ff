using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Features.Intake;
using Otklik.Features.Routing;
using Otklik.Infrastructure;

namespace Otklik.Features.Portal.Submit;

/// <summary>
/// The link from the letter of a visitor's appeal: it confirms the e-mail, signs the applicant in and sends the kept
/// appeal, then shows it. A second use (or a mail scanner's fetch before the person's click) finds the appeal already
/// sent and shows it again: one link, one appeal. A staff account is never signed in by a link: it is asked to sign in.
/// </summary>
[AllowAnonymous]
public sealed class ConfirmModel(AppDbContext db, UserManager<Person> users, TimeProvider clock,
    SubmitAppeal intake) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Id { get; set; }
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }

    public string? Error { get; private set; }
    public string? Number { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var pending = Guid.TryParse(Id, out var id) ? await db.PendingAppeals.SingleOrDefaultAsync(p => p.Id == id, ct) : null;
        var now = clock.GetUtcNow().UtcDateTime;
        if (pending is null || !pending.Matches(Token))
            return Refused("Ссылка недействительна. Откройте её из письма целиком или заполните обращение ещё раз.");
        if (pending.IsExpired(now))
            return Refused("Срок ссылки истёк: неподтверждённое обращение хранится 24 часа. Заполните обращение ещё раз.");
        var person = await users.FindByIdAsync(pending.PersonId.ToString());
        if (person is null) return Refused("Учётная запись, для которой сохранено обращение, удалена. Заполните обращение ещё раз.");

        var staff = await db.RoleAssignments.AnyAsync(r => r.PersonId == person.Id && r.Role != Role.Applicant, ct);
        if (!person.EmailConfirmed)
        {
            person.EmailConfirmed = true;
            await users.UpdateAsync(person);
        }
        if (staff)
        {
            // A link in a letter is not a sign-in for an account that reaches appeals of others.
            Error = "Адрес подтверждён. Эта учётная запись принадлежит сотруднику: войдите со своим паролем и отправьте обращение из формы.";
            return Page();
        }
        await Identity.SignIn.IssueCookieAsync(HttpContext, person);
        // The intake reads who is calling from this request: the person just signed in.
        HttpContext.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, person.Id.ToString())], CookieAuthenticationDefaults.AuthenticationScheme));
        if (pending.AppealNumber is { } sent) return Redirect($"/my/{sent}?sent=true");

        string number;
        try
        {
            number = await IndexModel.SendAsync(person, pending.Read(), pending.IdempotencyKey, db, intake, ct);
        }
        catch (InputException e)
        {
            // The other click of a double one won the race: that appeal is this one.
            if (await SentByKeyAsync(pending, person.Id, ct) is { } twin) return Redirect($"/my/{twin}?sent=true");
            return Refused("Обращение не отправлено: " + e.Message + " Заполните его ещё раз.");
        }
        var appealId = await db.Appeals.Where(a => a.Number == number).Select(a => a.Id).SingleAsync(ct);
        pending.MarkSent(appealId, number, now);
        await db.SaveChangesAsync(ct);
        return Redirect($"/my/{number}?sent=true");
    }

    async Task<string?> SentByKeyAsync(PendingAppeal pending, Guid personId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await db.Appeals.AsNoTracking().Where(a => a.IdempotencyKey == pending.IdempotencyKey && a.ApplicantUserId == personId)
            .Select(a => a.Number).FirstOrDefaultAsync(ct);
    }

    PageResult Refused(string error)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
