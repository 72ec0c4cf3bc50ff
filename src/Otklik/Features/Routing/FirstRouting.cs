using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Routing;

/// <summary>
/// The first, automatic choice of the executor: the topic's route for the appeal's territory, else the topic's default
/// route, else the territory's own administration. The full auto-rules come later and take precedence.
/// </summary>
public static class FirstRouting
{
    public sealed record Choice(Guid OrganisationId, string Why);

    public static async Task<Choice?> ChooseAsync(AppDbContext db, Guid? topicId, Guid? territoryId, CancellationToken ct)
    {
        if (topicId is not null)
        {
            var routes = await db.TopicRoutes.AsNoTracking().Where(r => r.TopicId == topicId).ToListAsync(ct);
            if (routes.FirstOrDefault(r => r.TerritoryId == territoryId && territoryId != null) is { } local)
                return new(local.OrganisationId, "Маршрут темы для территории");
            if (routes.FirstOrDefault(r => r.TerritoryId == null) is { } fallback)
                return new(fallback.OrganisationId, "Маршрут темы по умолчанию");
        }
        if (territoryId is not null
            && await db.Territories.AsNoTracking().Where(t => t.Id == territoryId).Select(t => t.OrganisationId).SingleOrDefaultAsync(ct) is { } municipal)
            return new(municipal, "Администрация территории");
        return null;
    }
}
