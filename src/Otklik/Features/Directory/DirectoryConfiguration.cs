using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Otklik.Features.Directory;

sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> b)
    {
        b.HasKey(o => o.Id);
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.Name).HasMaxLength(300);
        b.Property(o => o.ShortName).HasMaxLength(100);
        b.Property(o => o.Path).HasMaxLength(1000);
        b.Property(o => o.TimeZone).HasMaxLength(64);
        b.Property(o => o.Inn).HasMaxLength(12);
        b.Property(o => o.Email).HasMaxLength(200);
        b.Property(o => o.Version).IsConcurrencyToken();
        b.HasIndex(o => o.Path);
        b.HasOne<Organisation>().WithMany().HasForeignKey(o => o.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}

sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> b)
    {
        b.Property(p => p.LastName).HasMaxLength(100);
        b.Property(p => p.FirstName).HasMaxLength(100);
        b.Property(p => p.MiddleName).HasMaxLength(100);
        b.Property(p => p.Position).HasMaxLength(200);
        b.Ignore(p => p.FullName);
        b.HasMany(p => p.Roles).WithOne().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class RoleAssignmentConfiguration : IEntityTypeConfiguration<RoleAssignment>
{
    public void Configure(EntityTypeBuilder<RoleAssignment> b)
    {
        b.HasKey(r => r.Id);
        b.HasIndex(r => new { r.PersonId, r.Role, r.OrganisationId }).IsUnique();
        b.HasIndex(r => new { r.OrganisationId, r.Role });
        b.HasOne<Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}

sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.HasKey(k => k.Id);
        b.Property(k => k.Name).HasMaxLength(200);
        b.Property(k => k.Prefix).HasMaxLength(20);
        b.Property(k => k.Hash).HasMaxLength(64);
        b.Property(k => k.Scope).HasMaxLength(40);
        b.HasIndex(k => k.Hash).IsUnique();
        b.HasOne<Person>().WithMany().HasForeignKey(k => k.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class TerritoryConfiguration : IEntityTypeConfiguration<Territory>
{
    public void Configure(EntityTypeBuilder<Territory> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Name).HasMaxLength(300);
        b.Property(t => t.Code).HasMaxLength(50);
        b.HasIndex(t => t.Code).IsUnique();
        b.Property(t => t.Version).IsConcurrencyToken();
        b.HasOne<Organisation>().WithMany().HasForeignKey(t => t.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Organisation>().WithMany().HasForeignKey(t => t.ModeratorOrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}

sealed class CategoryConfiguration : IEntityTypeConfiguration<Category>
{
    public void Configure(EntityTypeBuilder<Category> b)
    {
        b.HasKey(c => c.Id);
        b.Property(c => c.Name).HasMaxLength(200);
        b.HasMany(c => c.Topics).WithOne().HasForeignKey(t => t.CategoryId).OnDelete(DeleteBehavior.Restrict);
    }
}

sealed class TopicConfiguration : IEntityTypeConfiguration<Topic>
{
    public void Configure(EntityTypeBuilder<Topic> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Name).HasMaxLength(300);
        b.Property(t => t.TotkCode).HasMaxLength(40);
        b.HasMany(t => t.Routes).WithOne().HasForeignKey(r => r.TopicId).OnDelete(DeleteBehavior.Cascade);
        b.Property(t => t.Keywords).HasMaxLength(500);
        b.HasMany(t => t.Questions).WithOne().HasForeignKey(q => q.TopicId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class TopicQuestionConfiguration : IEntityTypeConfiguration<TopicQuestion>
{
    public void Configure(EntityTypeBuilder<TopicQuestion> b)
    {
        b.HasKey(q => q.Id);
        b.Property(q => q.Code).HasMaxLength(50);
        b.Property(q => q.Text).HasMaxLength(500);
        b.Property(q => q.Options).HasMaxLength(4000);
        b.HasIndex(q => new { q.TopicId, q.Code }).IsUnique();
        b.Ignore(q => q.Choices);
    }
}

sealed class TopicRouteConfiguration : IEntityTypeConfiguration<TopicRoute>
{
    public void Configure(EntityTypeBuilder<TopicRoute> b)
    {
        b.HasKey(r => r.Id);
        b.HasIndex(r => new { r.TopicId, r.TerritoryId }).IsUnique();
        b.HasOne<Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Territory>().WithMany().HasForeignKey(r => r.TerritoryId).OnDelete(DeleteBehavior.Cascade);
    }
}
