using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Features.Appeals;

namespace Otklik.Features.Deadlines;

/// <summary>A year of the production calendar held in the database.</summary>
public sealed class CalendarYear
{
    public int Year { get; set; }
    public bool IsProvisional { get; set; }
    public string Source { get; set; } = "";
    public DateTime UpdatedAtUtc { get; set; }
}

/// <summary>A date that differs from the plain week: a holiday, a day off, a worked weekend or a shortened day.</summary>
public sealed class CalendarDay
{
    public DateOnly Date { get; set; }
    public DayKind Kind { get; set; }
    public string? Note { get; set; }
    /// <summary>Added by the region's administrator (e.g. a regional holiday), kept when a federal year is re-imported.</summary>
    public bool IsRegional { get; set; }
}

/// <summary>The stages whose clocks the policies set.</summary>
public enum DeadlineStage
{
    /// <summary>Moderation of a new appeal (seed 003: 48 hours).</summary>
    Moderation,
    /// <summary>Registration of an обращение (59-ФЗ ст. 8: 3 days).</summary>
    Registration,
    /// <summary>The applicant's answer to a clarification request (3 calendar days, then rejection).</summary>
    Clarification,
    /// <summary>First contact with the applicant of a complex consultation (seed 001: 16:00 cut-off).</summary>
    Contact,
    /// <summary>The answer (the final deadline).</summary>
    Answer,
    /// <summary>Redirect to the competent body (59-ФЗ ст. 8: 7 days from registration).</summary>
    Redirect,
}

/// <summary>
/// A deadline policy attached to a stage, optionally narrowed to a legal regime, an appeal kind, a topic and high
/// importance. The most specific matching rule wins (topic, then kind, then regime).
/// </summary>
public sealed class DeadlineRule
{
    public Guid Id { get; set; }
    public DeadlineStage Stage { get; set; }
    public LegalRegime? Regime { get; set; }
    public AppealKind? Kind { get; set; }
    public Guid? TopicId { get; set; }
    /// <summary>Null: any importance; true: only high-importance appeals.</summary>
    public bool? HighImportance { get; set; }
    public string Policy { get; set; } = "";
    public string? Note { get; set; }

    public int Specificity => (TopicId is null ? 0 : 8) + (Kind is null ? 0 : 4) + (Regime is null ? 0 : 2) + (HighImportance is true ? 1 : 0);

    public bool Matches(DeadlineStage stage, LegalRegime regime, AppealKind kind, Guid? topicId, bool high) =>
        Stage == stage && (Regime is null || Regime == regime) && (Kind is null || Kind == kind)
        && (TopicId is null || TopicId == topicId) && (HighImportance is not true || high);

    /// <summary>The defaults of the seeds and the law (rules-ru.md items 1–4; seeds 000, 001, 003).</summary>
    public static IEnumerable<DeadlineRule> Defaults()
    {
        DeadlineRule R(DeadlineStage s, string policy, string note, LegalRegime? regime = null, AppealKind? kind = null, bool? high = null) =>
            new() { Id = Guid.CreateVersion7(), Stage = s, Policy = policy, Note = note, Regime = regime, Kind = kind, HighImportance = high };
        return
        [
            R(DeadlineStage.Moderation, "hours:48", "Модерация — 48 часов (Добродел)"),
            // An incident is answered within 24 (or 4) hours; 48 hours in moderation before that clock starts would swallow it.
            R(DeadlineStage.Moderation, "hours:1", "Инцидент в соцсетях — модерация в течение часа, круглосуточно", LegalRegime.SocialIncident),
            R(DeadlineStage.Registration, "calendar-days:3", "Регистрация обращения — 3 дня (59-ФЗ ст. 8)", LegalRegime.Obrashchenie59),
            R(DeadlineStage.Clarification, "calendar-days:3", "Уточнение у заявителя — 3 календарных дня, затем отклонение"),
            R(DeadlineStage.Redirect, "calendar-days:7", "Переадресация по компетенции — 7 дней с регистрации (59-ФЗ ст. 8)", LegalRegime.Obrashchenie59),
            R(DeadlineStage.Answer, "calendar-days:30", "Ответ на обращение — 30 дней (59-ФЗ ст. 12)", LegalRegime.Obrashchenie59),
            R(DeadlineStage.Answer, "calendar-days:10", "Сообщение ПОС — 10 календарных дней", LegalRegime.PlatformMessage),
            R(DeadlineStage.Answer, "hours:24", "Инцидент в соцсетях — сутки", LegalRegime.SocialIncident),
            R(DeadlineStage.Answer, "hours:4", "Инцидент высокой важности — 4 часа", LegalRegime.SocialIncident, high: true),
            R(DeadlineStage.Answer, "working-days:1", "Простая консультация — 1 рабочий день", LegalRegime.BusinessConsultation, AppealKind.SimpleConsultation),
            R(DeadlineStage.Contact, "same-day-cutoff:16:00", "Сложная консультация: звонок до 16:00 — в тот же день", LegalRegime.BusinessConsultation, AppealKind.ComplexConsultation),
            R(DeadlineStage.Answer, "working-days:2", "Сложная консультация — решение за 2 рабочих дня", LegalRegime.BusinessConsultation, AppealKind.ComplexConsultation),
            R(DeadlineStage.Answer, "working-days:5", "Задача — 2–5 рабочих дней по виду задачи (уточняется по теме)", LegalRegime.BusinessConsultation, AppealKind.Task),
            R(DeadlineStage.Answer, "calendar-days:30", "Жалоба — по дорожной карте, итоговый срок 30 дней", LegalRegime.BusinessConsultation, AppealKind.Complaint),
        ];
    }
}

sealed class CalendarYearConfiguration : IEntityTypeConfiguration<CalendarYear>
{
    public void Configure(EntityTypeBuilder<CalendarYear> b)
    {
        b.HasKey(y => y.Year);
        b.Property(y => y.Year).ValueGeneratedNever();
        b.Property(y => y.Source).HasMaxLength(300);
    }
}

sealed class CalendarDayConfiguration : IEntityTypeConfiguration<CalendarDay>
{
    public void Configure(EntityTypeBuilder<CalendarDay> b)
    {
        b.HasKey(d => d.Date);
        b.Property(d => d.Note).HasMaxLength(300);
    }
}

sealed class DeadlineRuleConfiguration : IEntityTypeConfiguration<DeadlineRule>
{
    public void Configure(EntityTypeBuilder<DeadlineRule> b)
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.Policy).HasMaxLength(50);
        b.Property(r => r.Note).HasMaxLength(300);
        b.Ignore(r => r.Specificity);
        b.HasIndex(r => new { r.Stage, r.Regime, r.Kind, r.TopicId, r.HighImportance }).IsUnique();
        b.HasOne<Directory.Topic>().WithMany().HasForeignKey(r => r.TopicId).OnDelete(DeleteBehavior.Cascade);
    }
}
