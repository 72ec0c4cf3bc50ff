using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Features.Directory;

namespace Otklik.Features.Portal.Accounts;

/// <summary>The portal profile's columns of <see cref="Person"/> (the directory's configuration keeps the rest).</summary>
sealed class PortalAccountConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> b)
    {
        b.Property(p => p.OrganisationName).HasMaxLength(300);
        b.Property(p => p.OrganisationInn).HasMaxLength(12);
    }
}
