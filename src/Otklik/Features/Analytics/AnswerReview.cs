using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Infrastructure;

namespace Otklik.Features.Analytics;

public enum ReviewMark { No, Partly, Yes }

/// <summary>
/// A sample of one organisation's answers drawn for review (ADR 0036): the answered appeals received in the period,
/// ordered by a hash of the seed and the appeal's id, the first <see cref="Size"/> of them. The same seed over the same
/// answers draws the same sample; the drawn list is kept, so later answers never change a sample once drawn.
/// </summary>
public sealed class ReviewSample
{
    public const int MaxSize = 200;

    public Guid Id { get; set; }
    public Guid OrganisationId { get; set; }
    public DateOnly FromOn { get; set; }
    public DateOnly ToOn { get; set; }
    public int Size { get; set; }
    public int Seed { get; set; }
    /// <summary>Answered appeals of the organisation and period when the sample was drawn (the population).</summary>
    public int Population { get; set; }
    public Guid CreatedById { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public List<AnswerReview> Items { get; set; } = [];

    /// <summary>The order of the draw: a hash of the seed and the appeal's id, so it does not depend on the engine or on row order.</summary>
    public static string DrawKey(int seed, Guid appealId) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(seed.ToString(CultureInfo.InvariantCulture) + ":" + appealId.ToString("D"))));

    /// <summary>Draws the sample from the given answered appeals (the population); each becomes an item not yet reviewed.</summary>
    public static ReviewSample Draw(Guid organisationId, DateOnly from, DateOnly to, int size, int seed, IReadOnlyCollection<Guid> population, Guid by, DateTime nowUtc)
    {
        if (size is < 1 or > MaxSize) throw new InputException("size", "request.out_of_range", $"Размер выборки — от 1 до {MaxSize}.");
        if (population.Count == 0) throw new InputException("organisationId", "review.empty", "За этот период у организации нет ответов.");
        var sample = new ReviewSample
        {
            Id = Guid.CreateVersion7(), OrganisationId = organisationId, FromOn = from, ToOn = to, Size = size, Seed = seed, Population = population.Count,
            CreatedById = by, CreatedAtUtc = nowUtc,
        };
        var position = 0;
        foreach (var id in population.OrderBy(id => DrawKey(seed, id), StringComparer.Ordinal).Take(size))
            sample.Items.Add(new AnswerReview { Id = Guid.CreateVersion7(), SampleId = sample.Id, AppealId = id, OrganisationId = organisationId, Position = ++position });
        return sample;
    }
}

/// <summary>
/// One answer of a sample and its review against the rubric: six criteria, each «да», «частично» or «нет» with an
/// optional comment. Score = (да = 1, частично = ½, нет = 0) summed ÷ 6; it feeds the ranking's c(проверка).
/// </summary>
public sealed class AnswerReview
{
    public const int MaxComment = 1000;

    /// <summary>The rubric, in the order the page shows it and the marks are kept.</summary>
    public static readonly (string Code, string Title, string Hint)[] Rubric =
    [
        ("addresses", "Отвечает на поставленный вопрос", "ответ касается того, о чём спрашивали"),
        ("substance", "По существу", "решение по сути, а не пересказ порядка рассмотрения"),
        ("measures", "Конкретные меры и сроки", "что сделано или будет сделано и когда"),
        ("law", "Верные ссылки на закон", "нормы указаны правильно и к месту"),
        ("polite", "Вежливо", "уважительный тон, без канцелярских упрёков"),
        ("no-formal", "Не «отписка»", "ответ не сводится к общим словам"),
    ];

    public Guid Id { get; set; }
    public Guid SampleId { get; set; }
    public Guid AppealId { get; set; }
    /// <summary>The executor organisation the sample was drawn for (the one the review speaks of).</summary>
    public Guid OrganisationId { get; set; }
    public int Position { get; set; }
    public Guid? ReviewerId { get; set; }
    public DateTime? ReviewedAtUtc { get; set; }
    public ReviewMark? AddressesQuestion { get; set; }
    public ReviewMark? BySubstance { get; set; }
    public ReviewMark? MeasuresAndDates { get; set; }
    public ReviewMark? CorrectLaw { get; set; }
    public ReviewMark? Polite { get; set; }
    public ReviewMark? NoFormalReply { get; set; }
    public string? AddressesQuestionComment { get; set; }
    public string? BySubstanceComment { get; set; }
    public string? MeasuresAndDatesComment { get; set; }
    public string? CorrectLawComment { get; set; }
    public string? PoliteComment { get; set; }
    public string? NoFormalReplyComment { get; set; }
    /// <summary>0–1, set when reviewed.</summary>
    public double? Score { get; set; }

    public ReviewMark?[] Marks => [AddressesQuestion, BySubstance, MeasuresAndDates, CorrectLaw, Polite, NoFormalReply];
    public string?[] Comments => [AddressesQuestionComment, BySubstanceComment, MeasuresAndDatesComment, CorrectLawComment, PoliteComment, NoFormalReplyComment];

    public static double Value(ReviewMark m) => m switch { ReviewMark.Yes => 1, ReviewMark.Partly => 0.5, _ => 0 };

    /// <summary>Records (or corrects) the review: every criterion marked, comments optional; the last reviewer's marks stand.</summary>
    public void Record(IReadOnlyList<ReviewMark?> marks, IReadOnlyList<string?> comments, Guid reviewerId, DateTime nowUtc)
    {
        for (var i = 0; i < Rubric.Length; i++)
        {
            if (i >= marks.Count || marks[i] is null) throw new InputException($"m{i}", "request.required", "Отметьте: да, частично или нет.");
            if (i < comments.Count && comments[i]?.Trim().Length > MaxComment) throw new InputException($"c{i}", "request.too_long", $"Не длиннее {MaxComment} знаков.");
        }
        string? C(int i) => i < comments.Count && !string.IsNullOrWhiteSpace(comments[i]) ? comments[i]!.Trim() : null;
        (AddressesQuestion, BySubstance, MeasuresAndDates, CorrectLaw, Polite, NoFormalReply) = (marks[0], marks[1], marks[2], marks[3], marks[4], marks[5]);
        (AddressesQuestionComment, BySubstanceComment, MeasuresAndDatesComment, CorrectLawComment, PoliteComment, NoFormalReplyComment) = (C(0), C(1), C(2), C(3), C(4), C(5));
        Score = marks.Take(Rubric.Length).Sum(m => Value(m!.Value)) / Rubric.Length;
        ReviewerId = reviewerId;
        ReviewedAtUtc = nowUtc;
    }
}

sealed class ReviewSampleConfiguration : IEntityTypeConfiguration<ReviewSample>
{
    public void Configure(EntityTypeBuilder<ReviewSample> b)
    {
        b.ToTable("ReviewSamples");
        b.HasIndex(x => new { x.OrganisationId, x.CreatedAtUtc });
        b.HasMany(x => x.Items).WithOne().HasForeignKey(x => x.SampleId).OnDelete(DeleteBehavior.Cascade);
    }
}

sealed class AnswerReviewConfiguration : IEntityTypeConfiguration<AnswerReview>
{
    public void Configure(EntityTypeBuilder<AnswerReview> b)
    {
        b.ToTable("AnswerReviews");
        b.Ignore(x => x.Marks);
        b.Ignore(x => x.Comments);
        foreach (var p in new[] { nameof(AnswerReview.AddressesQuestion), nameof(AnswerReview.BySubstance), nameof(AnswerReview.MeasuresAndDates),
                     nameof(AnswerReview.CorrectLaw), nameof(AnswerReview.Polite), nameof(AnswerReview.NoFormalReply) })
            b.Property(p).HasConversion<string>().HasMaxLength(10);
        foreach (var p in new[] { nameof(AnswerReview.AddressesQuestionComment), nameof(AnswerReview.BySubstanceComment), nameof(AnswerReview.MeasuresAndDatesComment),
                     nameof(AnswerReview.CorrectLawComment), nameof(AnswerReview.PoliteComment), nameof(AnswerReview.NoFormalReplyComment) })
            b.Property(p).HasMaxLength(AnswerReview.MaxComment);
        b.HasOne<Appeal>().WithMany().HasForeignKey(x => x.AppealId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.SampleId, x.AppealId }).IsUnique();
        // The ranking reads the reviewed answers of the appeals of a period.
        b.HasIndex(x => new { x.AppealId, x.Score });
    }
}

/// <summary>Who reviews answers: the analyst and the organisations' heads (controllers), for the organisations they reach.</summary>
public static class ReviewAccess
{
    public static readonly Role[] Reviewers = [Role.Analyst, Role.Controller];

    public static Task<HashSet<Guid>> OrganisationsAsync(CurrentUser user, CancellationToken ct) => user.ScopeAsync(ct, Reviewers);

    /// <summary>The population of a draw: the appeals of the organisation received in the period with a standing answer, as the person sees them.</summary>
    public static IQueryable<Guid> Population(IQueryable<Appeal> visible, AnalyticsFilter period, Guid organisationId) =>
        period.Apply(visible.AsNoTracking())
            .Where(a => a.ExecutorOrganisationId == organisationId && a.AnsweredAtUtc != null && (a.Status == AppealStatus.AnswerSent || a.Status == AppealStatus.Closed))
            .Select(a => a.Id);
}
