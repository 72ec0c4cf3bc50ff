using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;

namespace Otklik.Infrastructure;

/// <summary>
/// <c>Otklik first-admin --email … --region "…"</c>: a new installation without the demo data gets its region (the root
/// organisation) and the region's administrator, who then builds the directory in the office (docs/operations.md).
/// Refused once any administrator exists: the command starts an installation, it is no way back into one.
/// </summary>
public static class FirstAdministrator
{
    public static async Task<int> RunAsync(IServiceProvider services, IConfiguration config, TimeProvider clock, CancellationToken ct)
    {
        var email = config["email"]?.Trim();
        var region = config["region"]?.Trim();
        if (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(region))
        {
            Console.Error.WriteLine("Usage: Otklik first-admin --email admin@region.ru --region \"Правительство … области\" "
                + "[--last-name …] [--first-name …]; the password is taken from OTKLIK_ADMIN_PASSWORD or made up and printed once.");
            return 2;
        }
        var db = services.GetRequiredService<AppDbContext>();
        if (await db.Users.AnyAsync(p => p.Roles.Any(r => r.Role == Role.Administrator), ct))
        {
            Console.Error.WriteLine("Otklik first-admin: an administrator exists already; add people in the office (Администрирование → Сотрудники).");
            return 1;
        }
        var root = await db.Organisations.Where(o => o.ParentId == null && o.Kind == OrganisationKind.Region).FirstOrDefaultAsync(ct);
        if (root is null)
        {
            root = Organisation.Create(Guid.CreateVersion7(), region, region, OrganisationKind.Region, null, config["time-zone"] ?? "Europe/Moscow", true, false);
            db.Organisations.Add(root);
        }
        var generated = Environment.GetEnvironmentVariable("OTKLIK_ADMIN_PASSWORD") is not { Length: > 0 };
        var password = generated ? MakePassword() : Environment.GetEnvironmentVariable("OTKLIK_ADMIN_PASSWORD")!;
        var person = new Person
        {
            Id = Guid.CreateVersion7(), UserName = email, Email = email, EmailConfirmed = true,
            LastName = config["last-name"] ?? "Администратор", FirstName = config["first-name"] ?? "Региона",
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
            Roles = [new RoleAssignment { Id = Guid.CreateVersion7(), Role = Role.Administrator, OrganisationId = root.Id }],
        };
        await db.SaveChangesAsync(ct);
        var result = await services.GetRequiredService<UserManager<Person>>().CreateAsync(person, password);
        if (!result.Succeeded)
        {
            Console.Error.WriteLine("Otklik first-admin: " + string.Join("; ", result.Errors.Select(e => e.Description)));
            return 1;
        }
        Console.WriteLine($"Otklik: {email} is the administrator of «{root.Name}». Sign in at /office/login"
            + (generated ? $" with the password {password} and change it at once." : " with the password given."));
        return 0;
    }

    static string MakePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        var chars = System.Security.Cryptography.RandomNumberGenerator.GetItems<char>(alphabet, 18);
        // Identity asks for a digit, a lower- and an upper-case letter.
        return new string(chars) + "a7Q";
    }
}
