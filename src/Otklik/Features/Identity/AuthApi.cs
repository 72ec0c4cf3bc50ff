using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Identity;

public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/auth").WithTags("Auth");
        group.MapPost("/login", Login).AllowAnonymous();
        group.MapPost("/logout", (Delegate)Logout).AllowAnonymous();
        group.MapGet("/me", Me).RequireAuthorization();
        return group;
    }

    public sealed record LoginRequest(string? Email, string? Password);

    public sealed record MeView(Guid Id, string FullName, string? Email, IReadOnlyList<RoleView> Roles);
    public sealed record RoleView(Role Role, Guid? OrganisationId, string? OrganisationName);

    static async Task<Results<Ok<MeView>, ProblemHttpResult>> Login(LoginRequest request, HttpContext http, UserManager<Person> users,
        AppDbContext db, CancellationToken ct)
    {
        var errors = new InputErrors();
        if (string.IsNullOrWhiteSpace(request.Email)) errors.Add("email", "field.required", "Укажите адрес электронной почты.");
        if (string.IsNullOrEmpty(request.Password)) errors.Add("password", "field.required", "Укажите пароль.");
        errors.ThrowIfAny();

        var result = await SignIn.WithPasswordAsync(http, users, request.Email!, request.Password!);
        if (result.Outcome == SignIn.Outcome.Throttled)
        {
            http.Response.Headers.RetryAfter = result.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(title: "Слишком много попыток входа",
                detail: $"Слишком много неудачных попыток входа с вашего адреса. Повторите через {result.RetryAfterSeconds} с.",
                statusCode: StatusCodes.Status429TooManyRequests, extensions: new Dictionary<string, object?> { ["code"] = "auth.throttled" });
        }
        if (result is not { Outcome: SignIn.Outcome.SignedIn, Person: { } person })
            return TypedResults.Problem(title: "Неверный вход", detail: "Неверный адрес электронной почты или пароль.",
                statusCode: StatusCodes.Status401Unauthorized, extensions: new Dictionary<string, object?> { ["code"] = "auth.invalid_credentials" });
        return TypedResults.Ok(await ViewAsync(db, person.Id, ct));
    }

    static async Task<NoContent> Logout(HttpContext http)
    {
        await SignIn.SignOutEverywhereAsync(http);
        return TypedResults.NoContent();
    }

    static async Task<Results<Ok<MeView>, NotFound>> Me(CurrentUser user, AppDbContext db, CancellationToken ct) =>
        user.Id is { } id && await ViewAsync(db, id, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    static async Task<MeView> ViewAsync(AppDbContext db, Guid id, CancellationToken ct)
    {
        var person = await db.Users.AsNoTracking().SingleAsync(p => p.Id == id, ct);
        var roles = await db.RoleAssignments.AsNoTracking().Where(r => r.PersonId == id)
            .Select(r => new RoleView(r.Role, r.OrganisationId, db.Organisations.Where(o => o.Id == r.OrganisationId).Select(o => o.ShortName).FirstOrDefault()))
            .ToListAsync(ct);
        return new MeView(person.Id, person.FullName, person.Email, roles);
    }
}
