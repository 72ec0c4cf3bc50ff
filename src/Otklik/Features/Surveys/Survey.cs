using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Infrastructure;

namespace Otklik.Features.Surveys;

/// <summary>Where an answer came from: the filters of the analysis and a column of the export.</summary>
public enum SurveyChannel { Portal, Letter, Cabinet, Reception, Paper, PartnerSite }

/// <summary>
/// A survey: its title, the organisation that owns it, whether it is anonymous, and its versions. The text people answer
/// is a published <see cref="SurveyVersion"/>, never changed once answered: an edit makes a new version.
/// </summary>
public sealed class Survey
{
    public Guid Id { get; set; }
    public string Title { get; set; } = "";
    public Guid OwnerOrganisationId { get; set; }
    /// <summary>Nothing ties an answer to the person: no person, no invitation, no time of day; groups under 5 are not shown.</summary>
    public bool IsAnonymous { get; set; }
    /// <summary>Offered to applicants after their appeal is answered (in the answer letter and on /my).</summary>
    public bool AfterAppeal { get; set; }
    /// <summary>An applicant is asked again only after this many days.</summary>
    public int RepeatDays { get; set; } = 90;
    /// <summary>The published version people answer now (0: none yet).</summary>
    public int CurrentVersion { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public int Version { get; set; }
    public List<SurveyVersion> Versions { get; set; } = [];

    /// <summary>
    /// The editor's text saved: into the draft when there is one, else into a new draft. A published version is never
    /// written again, because answers were given to exactly its words.
    /// </summary>
    public SurveyVersion SaveDraft(string source, Guid? by, DateTime nowUtc)
    {
        var draft = Versions.SingleOrDefault(v => v.PublishedAtUtc is null);
        if (draft is null)
        {
            draft = new SurveyVersion { Id = Guid.CreateVersion7(), SurveyId = Id, Number = Versions.Count == 0 ? 1 : Versions.Max(v => v.Number) + 1 };
            Versions.Add(draft);
        }
        draft.Source = source;
        draft.EditedByPersonId = by;
        draft.EditedAtUtc = nowUtc;
        Version++;
        return draft;
    }

    public void Publish(DateTime nowUtc)
    {
        var draft = Versions.SingleOrDefault(v => v.PublishedAtUtc is null)
            ?? throw new RuleException("survey.nothing_to_publish", "Нет черновика: все версии уже опубликованы.");
        if (SurveyForm.Parse(draft.Source, out var errors) is null)
            throw new RuleException("survey.draft_invalid", "Черновик содержит ошибки: " + errors[0].Message);
        draft.PublishedAtUtc = nowUtc;
        CurrentVersion = draft.Number;
        Version++;
    }
}

public sealed class SurveyVersion
{
    public Guid Id { get; set; }
    public Guid SurveyId { get; set; }
    public int Number { get; set; }
    /// <summary>The survey's text (<see cref="SurveyForm.Parse"/>); fixed once published.</summary>
    public string Source { get; set; } = "";
    public DateTime? PublishedAtUtc { get; set; }
    public Guid? EditedByPersonId { get; set; }
    public DateTime EditedAtUtc { get; set; }

    public SurveyForm Form => SurveyForm.Of(Source);
}

/// <summary>One filled questionnaire. The columns here are the analysis's filters; the answers are rows of <see cref="SurveyAnswer"/>.</summary>
public sealed class SurveyResponse
{
    public Guid Id { get; set; }
    public Guid SurveyId { get; set; }
    public int VersionNumber { get; set; }
    public Guid? OrganisationId { get; set; }
    public Guid? TerritoryId { get; set; }
    public SurveyChannel Channel { get; set; }
    public DateOnly SubmittedOn { get; set; }
    /// <summary>Null in an anonymous survey: the minute of an answer would match it to the invitation used then.</summary>
    public DateTime? SubmittedAtUtc { get; set; }
    /// <summary>Null in an anonymous survey.</summary>
    public Guid? PersonId { get; set; }
    /// <summary>The operator who keyed in a paper questionnaire.</summary>
    public Guid? EnteredByPersonId { get; set; }
    public List<SurveyAnswer> Answers { get; set; } = [];
}

/// <summary>One answer: the paper number (a matrix row has its own) and the value as keyed in; a multiple choice gives several rows.</summary>
public sealed class SurveyAnswer
{
    public long Id { get; set; }
    public Guid ResponseId { get; set; }
    public Guid SurveyId { get; set; }
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
}

/// <summary>A personal link sent to an applicant after an appeal: answered once. In an anonymous survey the answer does not point back to it.</summary>
public sealed class SurveyInvitation
{
    public Guid Id { get; set; }
    public Guid SurveyId { get; set; }
    public string Token { get; set; } = "";
    /// <summary>The applicant's account id, or their e-mail address in lower case: "once per applicant per period".</summary>
    public string ApplicantKey { get; set; } = "";
    public Guid? AppealId { get; set; }
    public Guid? OrganisationId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public bool Used { get; set; }
}

/// <summary>A link (and its QR code) printed for a reception desk: many visitors answer by it, for its organisation.</summary>
public sealed class SurveyLink
{
    public Guid Id { get; set; }
    public Guid SurveyId { get; set; }
    public string Token { get; set; } = "";
    public string Label { get; set; } = "";
    public Guid OrganisationId { get; set; }
    public Guid? TerritoryId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>That a signed-in person answered a survey on a day: one answer per person per period, kept apart from the answer itself.</summary>
public sealed class SurveyParticipation
{
    public Guid Id { get; set; }
    public Guid SurveyId { get; set; }
    public Guid PersonId { get; set; }
    public DateOnly AnsweredOn { get; set; }
}

sealed class SurveyConfiguration : IEntityTypeConfiguration<Survey>, IEntityTypeConfiguration<SurveyVersion>, IEntityTypeConfiguration<SurveyResponse>,
    IEntityTypeConfiguration<SurveyAnswer>, IEntityTypeConfiguration<SurveyInvitation>, IEntityTypeConfiguration<SurveyLink>, IEntityTypeConfiguration<SurveyParticipation>
{
    public void Configure(EntityTypeBuilder<Survey> b)
    {
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Title).HasMaxLength(500);
        b.Property(s => s.Version).IsConcurrencyToken();
        b.HasMany(s => s.Versions).WithOne().HasForeignKey(v => v.SurveyId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(s => s.OwnerOrganisationId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<SurveyVersion> b)
    {
        b.Property(v => v.Id).ValueGeneratedNever();
        b.Property(v => v.Source).HasMaxLength(100_000);
        b.HasIndex(v => new { v.SurveyId, v.Number }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<SurveyResponse> b)
    {
        b.Property(r => r.Id).ValueGeneratedNever();
        b.HasIndex(r => new { r.SurveyId, r.SubmittedOn });
        b.HasMany(r => r.Answers).WithOne().HasForeignKey(a => a.ResponseId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Survey>().WithMany().HasForeignKey(r => r.SurveyId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<SurveyAnswer> b)
    {
        b.Property(a => a.Key).HasMaxLength(20);
        b.Property(a => a.Value).HasMaxLength(2000);
        b.HasIndex(a => new { a.SurveyId, a.Key });
    }

    public void Configure(EntityTypeBuilder<SurveyInvitation> b)
    {
        b.Property(i => i.Id).ValueGeneratedNever();
        b.Property(i => i.Token).HasMaxLength(64);
        b.Property(i => i.ApplicantKey).HasMaxLength(320);
        b.HasIndex(i => i.Token).IsUnique();
        b.HasIndex(i => new { i.SurveyId, i.ApplicantKey });
        b.HasIndex(i => i.AppealId);
    }

    public void Configure(EntityTypeBuilder<SurveyLink> b)
    {
        b.Property(l => l.Id).ValueGeneratedNever();
        b.Property(l => l.Token).HasMaxLength(64);
        b.Property(l => l.Label).HasMaxLength(300);
        b.HasIndex(l => l.Token).IsUnique();
    }

    public void Configure(EntityTypeBuilder<SurveyParticipation> b)
    {
        b.Property(p => p.Id).ValueGeneratedNever();
        b.HasIndex(p => new { p.SurveyId, p.PersonId });
    }
}
