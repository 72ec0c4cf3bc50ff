using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;

namespace Otklik.Features.Appeals;

sealed class AppealConfiguration : IEntityTypeConfiguration<Appeal>
{
    public void Configure(EntityTypeBuilder<Appeal> b)
    {
        b.HasKey(a => a.Id);
        b.Property(a => a.Number).HasMaxLength(20);
        b.HasIndex(a => a.Number).IsUnique();
        b.HasIndex(a => new { a.Year, a.Sequence }).IsUnique();
        b.Property(a => a.IdempotencyKey).HasMaxLength(100);
        b.HasIndex(a => a.IdempotencyKey).IsUnique();
        b.Property(a => a.RequestHash).HasMaxLength(64);
        b.Property(a => a.ChannelMessageId).HasMaxLength(200);
        b.HasIndex(a => new { a.Channel, a.ChannelMessageId }).IsUnique();
        b.Property(a => a.Text).HasMaxLength(Appeal.MaxTextLength + 2000);
        b.Property(a => a.Address).HasMaxLength(500);
        b.Property(a => a.PublicText).HasMaxLength(Appeal.MaxPublicTextLength);
        b.Property(a => a.PublicUnmasked).HasMaxLength(Appeal.MaxPublicUnmaskedLength);
        b.Property(a => a.ClarificationQuestion).HasMaxLength(2000);
        b.Property(a => a.AnswerText).HasMaxLength(20000);
        b.Property(a => a.RatingComment).HasMaxLength(2000);
        b.Property(a => a.ExtensionRequestReason).HasMaxLength(2000);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.OwnsOne(a => a.Applicant, o =>
        {
            o.Property(x => x.Kind).HasColumnName("ApplicantKind");
            o.Property(x => x.LastName).HasColumnName("ApplicantLastName").HasMaxLength(100);
            o.Property(x => x.FirstName).HasColumnName("ApplicantFirstName").HasMaxLength(100);
            o.Property(x => x.MiddleName).HasColumnName("ApplicantMiddleName").HasMaxLength(100);
            o.Property(x => x.Email).HasColumnName("ApplicantEmail").HasMaxLength(200);
            o.Property(x => x.Phone).HasColumnName("ApplicantPhone").HasMaxLength(30);
            o.Property(x => x.PostalAddress).HasColumnName("ApplicantPostalAddress").HasMaxLength(500);
            o.Property(x => x.OrganisationName).HasColumnName("ApplicantOrganisationName").HasMaxLength(300);
            o.Property(x => x.Inn).HasColumnName("ApplicantInn").HasMaxLength(12);
            o.Property(x => x.Ogrn).HasColumnName("ApplicantOgrn").HasMaxLength(15);
            o.Property(x => x.RepresentativeName).HasColumnName("ApplicantRepresentative").HasMaxLength(300);
            o.Property(x => x.CoSignerCount).HasColumnName("ApplicantCoSigners");
            o.Ignore(x => x.DisplayName);
        });
        b.Navigation(a => a.Applicant).IsRequired();
        b.HasMany(a => a.History).WithOne().HasForeignKey(e => e.AppealId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(a => a.Parts).WithOne().HasForeignKey(p => p.AppealId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Directory.Category>().WithMany().HasForeignKey(a => a.CategoryId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Directory.Topic>().WithMany().HasForeignKey(a => a.TopicId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Directory.Territory>().WithMany().HasForeignKey(a => a.TerritoryId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(a => a.OwnerOrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(a => a.ExecutorOrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.Ignore(a => a.IsTerminal);
        b.Ignore(a => a.FederalResult);
        b.Ignore(a => a.CurrentClassification);
        b.Ignore(a => a.TagList);
        b.Property(a => a.Tags).HasMaxLength(500);
        b.Property(a => a.AnswerPolicyOverride).HasMaxLength(50);
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(a => a.RespondentOrganisationId).OnDelete(DeleteBehavior.Restrict);

        // The staff lists: by status and organisation, newest first or by deadline.
        b.HasIndex(a => new { a.Status, a.ReceivedAtUtc, a.Id });
        b.HasIndex(a => new { a.ExecutorOrganisationId, a.Status, a.DueAtUtc });
        // … and by category within the organisation (the lists' usual filter; bench/: 454 rows read instead of 29,000).
        // It carries what the list's first query reads (visibility, keyset columns, the id), so on PostgreSQL the page's
        // ids come from the index alone and only the page's rows are read (AppealsApi.List).
        b.HasIndex(a => new { a.ExecutorOrganisationId, a.CategoryId, a.Status, a.DueAtUtc })
            .IncludeProperties(a => new { a.Number, a.OwnerOrganisationId, a.ReceivedAtUtc, a.Id });
        b.HasIndex(a => new { a.OwnerOrganisationId, a.Status, a.ReceivedAtUtc });
        b.HasIndex(a => new { a.ReceivedAtUtc, a.Id });
        b.HasIndex(a => new { a.DueAtUtc, a.Id });
        b.HasIndex(a => a.ApplicantUserId);
        // The deadline watch reads only the appeals whose moment has come.
        b.HasIndex(a => a.NextWatchAtUtc);
        b.Property(a => a.AnswerPolicy).HasMaxLength(50);
        b.HasIndex(a => a.CategoryId);
        b.HasIndex(a => a.TopicId);
        b.HasIndex(a => a.TerritoryId);
        // The public feed: published appeals, newest first.
        b.HasIndex(a => new { a.IsPublic, a.RegisteredAtUtc });
    }
}

sealed class AppealEventConfiguration : IEntityTypeConfiguration<AppealEvent>
{
    public void Configure(EntityTypeBuilder<AppealEvent> b)
    {
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Note).HasMaxLength(4000);
        b.HasIndex(e => new { e.AppealId, e.Sequence }).IsUnique();
        // The few answers returned for rework, found without reading the millions of other events (the ranking's c(rework)).
        // A partial index: written only for events of that kind, so intake and transitions pay nothing for it.
        b.HasIndex(e => e.AppealId, "IX_AppealEvents_Returned").HasFilter($"\"Kind\" = '{nameof(EventKind.AnswerReturned)}'");
    }
}

sealed class AppealPartConfiguration : IEntityTypeConfiguration<AppealPart>
{
    public void Configure(EntityTypeBuilder<AppealPart> b)
    {
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Task).HasMaxLength(4000);
        b.Property(p => p.Result).HasMaxLength(20000);
        b.HasIndex(p => new { p.OrganisationId, p.Status });
        b.Property(p => p.Policy).HasMaxLength(50);
        // The part sweep reads only open parts whose deadline has passed.
        b.HasIndex(p => new { p.Status, p.DueAtUtc });
    }
}

sealed class AppealCounterConfiguration : IEntityTypeConfiguration<AppealCounter>
{
    public void Configure(EntityTypeBuilder<AppealCounter> b)
    {
        b.HasKey(c => c.Year);
        b.Property(c => c.Year).ValueGeneratedNever();
    }
}
