using Otklik.Features.Directory;

namespace Otklik.Infrastructure;

public static class RoleFilter
{
    /// <summary>401 for anonymous callers, 403 for people who hold none of the roles anywhere. Scope is checked by the handler.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, params Role[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var user = context.HttpContext.RequestServices.GetRequiredService<CurrentUser>();
            if (!user.IsAuthenticated)
                return TypedResults.Problem(title: "Требуется вход", detail: "Войдите в систему или передайте API-ключ.", statusCode: 401,
                    extensions: new Dictionary<string, object?> { ["code"] = "auth.required" });
            var held = await user.RolesAsync(context.HttpContext.RequestAborted);
            if (!held.Any(r => roles.Contains(r.Role)))
                return TypedResults.Problem(title: "Недостаточно прав", detail: "Для этого действия нужна роль: " + string.Join(", ", roles) + ".",
                    statusCode: 403, extensions: new Dictionary<string, object?> { ["code"] = "auth.forbidden" });
            return await next(context);
        });
}
