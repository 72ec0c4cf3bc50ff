using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Intake;

/// <summary>
/// Finds an applicant who called before: by the full e-mail address or the full phone number among the applicants of
/// appeals the operator sees, and among portal accounts. Phones are compared by their last ten digits (the number
/// without +7 or 8), however they were typed. Only an operator of a call-taking organisation may look up
/// (<see cref="MayLookUpAsync"/>), never by part of a number, and every lookup is recorded in the audit trail with its
/// shape (phone or e-mail) and how many were found, never the value looked for.
/// </summary>
public static class ApplicantLookup
{
    public sealed record Found(ApplicantInfo Applicant, string Source);

    /// <summary>Organisations that take calls: the region's centre of management (ЦУР), and any other body of that kind.</summary>
    public static readonly OrganisationKind[] CallTaking = [OrganisationKind.CentreOfManagement];

    public const string Refusal = "Искать заявителей по телефону или почте может только оператор центра управления, принимающего звонки.";

    /// <summary>The person holds the operator role at an organisation that takes calls (<see cref="CallTaking"/>).</summary>
    public static async Task<bool> MayLookUpAsync(AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        var at = (await user.RolesAsync(ct)).Where(r => r.Role == Role.Operator && r.OrganisationId is not null).Select(r => r.OrganisationId!.Value).ToList();
        return at.Count > 0 && await db.Organisations.AsNoTracking().AnyAsync(o => at.Contains(o.Id) && CallTaking.Contains(o.Kind), ct);
    }

    public static async Task<(IReadOnlyList<Found> Matches, string? Problem)> FindAsync(AppDbContext db, CurrentUser user, string? lookup,
        HttpContext http, Audit.AuditTrail audit, CancellationToken ct)
    {
        if (!await MayLookUpAsync(db, user, ct)) return ([], Refusal);
        var text = lookup?.Trim() ?? "";
        string? email = null, digits = null;
        if (text.Contains('@'))
        {
            var at = text.IndexOf('@', StringComparison.Ordinal);
            if (at > 0 && at == text.LastIndexOf('@') && text.IndexOf('.', at) > at + 1 && !text.EndsWith('.') && !text.Any(char.IsWhiteSpace))
                email = text.ToLowerInvariant();
        }
        else if (text.All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '(' or ')' or '+' or '.'))
        {
            // The whole number: 10 digits, or 11 with the leading 7 or 8. Part of a number would let anyone page through the region's applicants.
            var all = new string([.. text.Where(char.IsAsciiDigit)]);
            if (all.Length == 10 || (all.Length == 11 && all[0] is '7' or '8')) digits = all[^10..];
        }
        if (email is null && digits is null)
            return ([], "Введите номер телефона полностью (10 цифр, можно с +7 или 8) или адрес электронной почты целиком.");

        // ToLower() is translated to SQL lower() on both engines; the StringComparison overloads are not translatable.
#pragma warning disable CA1862
        var appeals = (await AppealAccess.VisibleAsync(db, user, ct)).AsNoTracking();
        appeals = email is not null
            ? appeals.Where(a => a.Applicant.Email != null && a.Applicant.Email.ToLower() == email)
            : appeals.Where(a => a.Applicant.Phone != null
                && a.Applicant.Phone.Replace(" ", "").Replace("-", "").Replace("(", "").Replace(")", "").EndsWith(digits!));
        var fromAppeals = await appeals.OrderByDescending(a => a.ReceivedAtUtc).Take(20)
            .Select(a => new { a.Number, a.ReceivedAtUtc, a.Applicant }).ToListAsync(ct);

        var people = db.Users.AsNoTracking().Where(p => db.RoleAssignments.Any(r => r.PersonId == p.Id && r.Role == Role.Applicant));
        people = email is not null
            ? people.Where(p => p.Email != null && p.Email.ToLower() == email)
            : people.Where(p => p.PhoneNumber != null
                && p.PhoneNumber.Replace(" ", "").Replace("-", "").Replace("(", "").Replace(")", "").EndsWith(digits!));
#pragma warning restore CA1862
        var accounts = await people.OrderBy(p => p.LastName).Take(5)
            .Select(p => new { p.LastName, p.FirstName, p.MiddleName, p.Email, p.PhoneNumber }).ToListAsync(ct);

        var found = new List<Found>();
        var seen = new HashSet<string>();
        foreach (var a in fromAppeals)
            if (seen.Add(Key(a.Applicant)))
                found.Add(new(a.Applicant, $"обращение {a.Number} от {a.ReceivedAtUtc:dd.MM.yyyy}"));
        foreach (var p in accounts)
        {
            var applicant = new ApplicantInfo
            {
                Kind = ApplicantKind.Person, LastName = p.LastName, FirstName = p.FirstName, MiddleName = p.MiddleName, Email = p.Email, Phone = p.PhoneNumber,
            };
            if (seen.Add(Key(applicant))) found.Add(new(applicant, "учётная запись на портале"));
        }
        IReadOnlyList<Found> matches = [.. found.Take(5)];
        audit.Record(http, user, Audit.AuditKind.ApplicantLookup, null, email is not null ? "email" : "phone", matches.Count);
        return (matches, null);
    }

    /// <summary>
    /// GET /api/v1/applicants/lookup?q=: the lookup of the operator's registration form for a telephony or CRM integration,
    /// with the same rules: an operator of a call-taking organisation only (others 403), the whole phone or e-mail only
    /// (else 400 naming <c>q</c>), among the appeals the caller sees and portal accounts, and every lookup audited.
    /// </summary>
    public static RouteHandlerBuilder MapApplicantLookupApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/applicants/lookup", LookUpAsync).RequireRole(Role.Operator).WithTags("Intake").WithName("LookUpApplicant")
            .WithSummary("Find an applicant who wrote or called before by the full phone number or e-mail address (operators of a call-taking organisation).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);

    static async Task<Results<Ok<IReadOnlyList<Found>>, ProblemHttpResult>> LookUpAsync(string? q, HttpContext http, AppDbContext db, CurrentUser user,
        Audit.AuditTrail audit, CancellationToken ct)
    {
        if (!await MayLookUpAsync(db, user, ct))
            return TypedResults.Problem(title: "Недостаточно прав", detail: Refusal, statusCode: StatusCodes.Status403Forbidden,
                extensions: new Dictionary<string, object?> { ["code"] = "auth.forbidden" });
        var (matches, problem) = await FindAsync(db, user, q, http, audit, ct);
        if (problem is not null) throw new InputException("q", "lookup.invalid", problem);
        return TypedResults.Ok(matches);
    }

    static string Key(ApplicantInfo a) =>
        string.Join('|', a.Kind, a.LastName, a.FirstName, a.MiddleName, a.Email?.ToLowerInvariant(), a.Phone, a.OrganisationName, a.Inn, a.PostalAddress);
}
