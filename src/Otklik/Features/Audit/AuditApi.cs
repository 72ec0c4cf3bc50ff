using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Audit;

/// <summary>GET /api/v1/audit: the personal-data audit trail, newest first. Read-only: the trail has no other endpoint.</summary>
public static class AuditApi
{
    public sealed record AuditPage(IReadOnlyList<AuditLine> Items, string? NextCursor);

    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/audit").WithTags("Audit");
        group.MapGet("", Read).Produces<AuditPage>().WithSummary("The personal-data access journal, newest first, a page at a time (before)").AddEndpointFilter(async (context, next) =>
        {
            var user = context.HttpContext.RequestServices.GetRequiredService<CurrentUser>();
            if (!user.IsAuthenticated)
                return TypedResults.Problem(title: "Требуется вход", detail: "Войдите в систему или передайте API-ключ.", statusCode: 401,
                    extensions: new Dictionary<string, object?> { ["code"] = "auth.required" });
            if (!await AuditAccess.MayReadAsync(user, context.HttpContext.RequestAborted))
                return TypedResults.Problem(title: "Недостаточно прав",
                    detail: "Журнал доступа к персональным данным читают администратор региона и администратор безопасности.", statusCode: 403,
                    extensions: new Dictionary<string, object?> { ["code"] = "auth.forbidden" });
            return await next(context);
        });
        return group;
    }

    /// <param name="from">A date (the start of that day in UTC) or an instant with its offset.</param>
    /// <param name="to">A date (the end of that day in UTC) or an instant with its offset.</param>
    /// <param name="before">The nextCursor of the previous page.</param>
    static async Task<IResult> Read(string? actorId, string? appealId, string? from, string? to, string? kind, string? before, string? limit,
        AppDbContext db, CancellationToken ct)
    {
        var filter = AuditFilter.Parse(actorId, appealId, from, to, kind, before, TimeZoneInfo.Utc);
        var size = AuditFilter.Limit(limit);
        var lines = await filter.ReadAsync(db, size + 1, ct);
        var items = lines.Take(size).ToList();
        return TypedResults.Ok(new AuditPage(items, lines.Count > size ? AuditFilter.Cursor(items[^1]) : null));
    }
}
