using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Infrastructure;

namespace Otklik.Features.Surveys;

/// <summary>
/// A poll of the population (seed 003: "monitoring the current problems through interactive polls"): one question with
/// options, for the residents of one territory (or the whole region) over a period, one vote per confirmed account,
/// results shown after the vote or only after closing, as the poll says.
/// </summary>
public sealed class Poll
{
    public Guid Id { get; set; }
    public string Question { get; set; } = "";
    public Guid OwnerOrganisationId { get; set; }
    /// <summary>Who may vote: residents of this territory; null for the whole region.</summary>
    public Guid? TerritoryId { get; set; }
    public DateTime OpensAtUtc { get; set; }
    public DateTime ClosesAtUtc { get; set; }
    /// <summary>True: a voter sees the results at once; false: everyone sees them only after closing.</summary>
    public bool ResultsAfterVote { get; set; }
    /// <summary>The root cause (a known problem) the poll asks about, e.g. "which of these repairs first?": its result is shown on that record.</summary>
    public Guid? RootCauseId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public List<PollOption> Options { get; set; } = [];

    public bool IsOpen(DateTime nowUtc) => nowUtc >= OpensAtUtc && nowUtc < ClosesAtUtc;
    public bool MayShowResults(bool voted, DateTime nowUtc) => nowUtc >= ClosesAtUtc || (voted && ResultsAfterVote);

    /// <summary>A vote, or the reason there can be none. The one-vote rule is the unique index over (poll, person).</summary>
    public PollVote Vote(Guid optionId, Guid personId, Guid? residence, DateTime nowUtc)
    {
        if (!IsOpen(nowUtc)) throw new RuleException("poll.closed", nowUtc < OpensAtUtc ? "Голосование ещё не началось." : "Голосование завершено.");
        if (TerritoryId is { } t && residence != t)
            throw new RuleException("poll.other_territory", "Этот опрос — для жителей другого муниципального образования: ваш голос не может быть учтён.");
        if (Options.All(o => o.Id != optionId)) throw new InputException("optionId", "poll.unknown_option", "Выберите один из вариантов.");
        return new PollVote { Id = Guid.CreateVersion7(), PollId = Id, OptionId = optionId, PersonId = personId, TerritoryId = residence, VotedAtUtc = nowUtc };
    }
}

public sealed class PollOption
{
    public Guid Id { get; set; }
    public Guid PollId { get; set; }
    public string Text { get; set; } = "";
    public int Order { get; set; }
}

public sealed class PollVote
{
    public Guid Id { get; set; }
    public Guid PollId { get; set; }
    public Guid OptionId { get; set; }
    public Guid PersonId { get; set; }
    /// <summary>The voter's territory when they voted: participation by territory.</summary>
    public Guid? TerritoryId { get; set; }
    public DateTime VotedAtUtc { get; set; }
}

/// <summary>
/// The municipality a person says they live in, for territorial polls. Stated once and fixed for a period, so that nobody
/// moves from district to district to vote in each one's poll.
/// </summary>
public sealed class PollResidence
{
    public Guid PersonId { get; set; }
    public Guid TerritoryId { get; set; }
    public DateTime StatedAtUtc { get; set; }

    public static readonly TimeSpan Fixed = TimeSpan.FromDays(180);
}

sealed class PollConfiguration : IEntityTypeConfiguration<Poll>, IEntityTypeConfiguration<PollOption>, IEntityTypeConfiguration<PollVote>, IEntityTypeConfiguration<PollResidence>
{
    public void Configure(EntityTypeBuilder<Poll> b)
    {
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Question).HasMaxLength(1000);
        b.HasMany(p => p.Options).WithOne().HasForeignKey(o => o.PollId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Analytics.RootCause>().WithMany().HasForeignKey(p => p.RootCauseId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(p => p.RootCauseId);
    }

    public void Configure(EntityTypeBuilder<PollOption> b)
    {
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.Text).HasMaxLength(500);
    }

    public void Configure(EntityTypeBuilder<PollVote> b)
    {
        b.Property(v => v.Id).ValueGeneratedNever();
        b.HasIndex(v => new { v.PollId, v.PersonId }).IsUnique();
        b.HasOne<Poll>().WithMany().HasForeignKey(v => v.PollId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<PollResidence> b) => b.HasKey(r => r.PersonId);
}
