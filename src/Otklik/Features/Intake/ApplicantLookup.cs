using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Intake;

/// <summary>
/// Finds an applicant who called before: by e-mail or phone among the applicants of appeals the operator sees, and among
/// portal accounts. Phones are compared by their last ten digits, however they were typed.
/// </summary>
public static class ApplicantLookup
{
    public sealed record Found(ApplicantInfo Applicant, string Source);

    public static async Task<(IReadOnlyList<Found> Matches, string? Problem)> FindAsync(AppDbContext db, CurrentUser user, string? lookup, CancellationToken ct)
    {
        var text = lookup?.Trim() ?? "";
        string? email = null, digits = null;
        if (text.Contains('@')) email = text.ToLowerInvariant();
        else
        {
            var all = new string([.. text.Where(char.IsAsciiDigit)]);
            if (all.Length >= 5) digits = all.Length > 10 ? all[^10..] : all;
        }
        if (email is null && digits is null) return ([], "Введите телефон (не меньше 5 цифр) или адрес электронной почты.");

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
        return ([.. found.Take(5)], null);
    }

    static string Key(ApplicantInfo a) =>
        string.Join('|', a.Kind, a.LastName, a.FirstName, a.MiddleName, a.Email?.ToLowerInvariant(), a.Phone, a.OrganisationName, a.Inn, a.PostalAddress);
}
