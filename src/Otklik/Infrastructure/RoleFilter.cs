using Otklik.Features.Directory;

namespace Otklik.Infrastructure;

public static class RoleFilter
{
    /// <summary>401 for anonymous callers, 403 for people who hold none of the roles anywhere. Scope is checked by the handler.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, params Role[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CallerRequired.Instance).AddEndpointFilter(async (context, next) =>
        {
            var user = context.HttpContext.RequestServices.GetRequiredService<CurrentUser>();
            if (!user.IsAuthenticated) return SignInRequired();
            var held = await user.RolesAsync(context.HttpContext.RequestAborted);
            if (!held.Any(r => roles.Contains(r.Role))) return Forbidden("Для этого действия нужна роль: " + string.Join(", ", roles) + ".");
            return await next(context);
        });

    /// <summary>401 for anonymous callers, 403 for anyone but an administrator at the region root (see <see cref="CurrentUser.IsRegionAdministratorAsync"/>).</summary>
    public static TBuilder RequireRegionAdministrator<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CallerRequired.Instance).AddEndpointFilter(async (context, next) =>
        {
            var user = context.HttpContext.RequestServices.GetRequiredService<CurrentUser>();
            if (!user.IsAuthenticated) return SignInRequired();
            if (!await user.IsRegionAdministratorAsync(context.HttpContext.RequestAborted))
                return Forbidden("Это меняет справочник всего региона: нужна роль администратора на уровне региона.");
            return await next(context);
        });

    static IResult SignInRequired() => TypedResults.Problem(title: "Требуется вход", detail: "Войдите в систему или передайте API-ключ.", statusCode: 401,
        extensions: new Dictionary<string, object?> { ["code"] = "auth.required" });

    static IResult Forbidden(string detail) => TypedResults.Problem(title: "Недостаточно прав", detail: detail, statusCode: 403,
        extensions: new Dictionary<string, object?> { ["code"] = "auth.forbidden" });
}

/// <summary>
/// Marks an endpoint whose filter requires a signed-in caller (<see cref="RoleFilter"/>): the filters are invisible to
/// the OpenAPI document, this mark is what tells it the operation needs the cookie or an API key (OpenApiDescription).
/// </summary>
public sealed class CallerRequired
{
    public static readonly CallerRequired Instance = new();
    CallerRequired() { }
}
