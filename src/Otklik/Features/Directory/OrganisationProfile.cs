using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;
using Otklik.Infrastructure;

namespace Otklik.Features.Directory;

/// <summary>
/// The public page of an organisation (what it does, its reception's address, hours and contacts): the columns, and the
/// administrator's endpoint that sets them for an organisation of the administrator's scope.
/// </summary>
public static class OrganisationProfile
{
    public sealed record ProfileRequest(string? About, string? Address, string? Phone, string? Website);

    public static void MapOrganisationProfileApi(this IEndpointRouteBuilder routes) =>
        routes.MapPut("/organisations/{id:guid}/profile", SetAsync).WithTags("Directory").RequireRole(Role.Administrator).Produces<ProfileRequest>()
            .WithSummary("Sets an organisation's public profile: about, address, phone, website");

    static async Task<IResult> SetAsync(Guid id, ProfileRequest r, AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        var org = await db.Organisations.SingleOrDefaultAsync(o => o.Id == id, ct);
        if (org is null)
            return TypedResults.Problem(title: "Не найдено", detail: "Организация не найдена.", statusCode: 404, extensions: new Dictionary<string, object?> { ["code"] = "not_found" });
        if (!await user.ReachesAsync(id, ct, Role.Administrator))
            return TypedResults.Problem(title: "Недостаточно прав", detail: "Организация вне вашей зоны ответственности.", statusCode: 403,
                extensions: new Dictionary<string, object?> { ["code"] = "auth.forbidden" });
        org.SetPublicProfile(r.About, r.Address, r.Phone, r.Website);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new ProfileRequest(org.About, org.Address, org.Phone, org.Website));
    }
}

sealed class OrganisationProfileConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> b)
    {
        b.Property(o => o.About).HasMaxLength(2000);
        b.Property(o => o.Address).HasMaxLength(300);
        b.Property(o => o.Phone).HasMaxLength(50);
        b.Property(o => o.Website).HasMaxLength(300);
    }
}
