using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Features.Search;
using Otklik.Infrastructure;

namespace Otklik.Features.Business;

/// <summary>Who a measure is for (seed 000, issue 23.2): a sole trader (ИП), a small or a medium enterprise.</summary>
[Flags]
public enum BusinessKinds { None = 0, SoleTrader = 1, Small = 2, Medium = 4 }

/// <summary>The form of support, as the federal register of support recipients names them.</summary>
public enum SupportForm { Subsidy, Grant, Loan, Guarantee, Property, Consulting, Training }

/// <summary>
/// A support instrument of the business portal: who may get it (business kind, ОКВЭД sector, municipality), what it
/// gives (form, amount), on what conditions, with which documents and by when, the organisation that gives it and
/// where to apply. Its topic (optional) routes the «Задать вопрос» appeals and finds its knowledge-base answers.
/// The portal's administrator checks each measure monthly (<see cref="CheckedAtUtc"/>).
/// </summary>
public sealed class SupportMeasure
{
    public Guid Id { get; private set; }
    public string Title { get; private set; } = "";
    public string Summary { get; private set; } = "";
    public SupportForm Form { get; private set; }
    /// <summary>The largest amount in roubles (none for non-financial support): the catalogue's "at least" filter.</summary>
    public long? AmountMaxRub { get; private set; }
    /// <summary>The amount as people read it («до 5 млн ₽ под 1–7 % годовых»).</summary>
    public string? AmountText { get; private set; }
    public BusinessKinds Kinds { get; private set; }
    /// <summary>ОКВЭД classes or groups it is limited to ("10, 56.1"); empty: any sector.</summary>
    public string Okved { get; private set; } = "";
    /// <summary>The municipality it is limited to; none: the whole region.</summary>
    public Guid? TerritoryId { get; private set; }
    public string Conditions { get; private set; } = "";
    public string Documents { get; private set; } = "";
    /// <summary>Deadlines as people read them («приём заявок до 1 марта»).</summary>
    public string? Deadlines { get; private set; }
    public DateOnly? ApplyUntil { get; private set; }
    public Guid OrganisationId { get; private set; }
    public string? ApplyUrl { get; private set; }
    public Guid? TopicId { get; private set; }
    public bool IsPublished { get; private set; }
    /// <summary>The stems of the title, summary, conditions and amount: the catalogue's search matches every word form.</summary>
    public string SearchStems { get; private set; } = "";
    public DateTime CreatedAtUtc { get; private set; }
    public DateTime UpdatedAtUtc { get; private set; }
    /// <summary>When someone last confirmed the measure is current (an edit counts).</summary>
    public DateTime CheckedAtUtc { get; private set; }
    public int Version { get; private set; }
    /// <summary>When it was first published: the subscribers are told of a measure once, not at each republication.</summary>
    public DateTime? FirstPublishedAtUtc { get; private set; }
    /// <summary>Published for the first time by this change (not stored): the caller tells the subscribers (<see cref="MeasureSubscriptions.NotifyAsync"/>).</summary>
    public bool NewlyPublished { get; private set; }

    public sealed record Content(string Title, string Summary, SupportForm Form, long? AmountMaxRub, string? AmountText, BusinessKinds Kinds,
        string Okved, Guid? TerritoryId, string Conditions, string Documents, string? Deadlines, DateOnly? ApplyUntil, Guid OrganisationId,
        string? ApplyUrl, Guid? TopicId, bool IsPublished);

    public Content Current => new(Title, Summary, Form, AmountMaxRub, AmountText, Kinds, Okved, TerritoryId, Conditions, Documents, Deadlines,
        ApplyUntil, OrganisationId, ApplyUrl, TopicId, IsPublished);

    public static SupportMeasure Create(Content c, DateTime nowUtc, Guid? id = null)
    {
        var m = new SupportMeasure { Id = id ?? Guid.CreateVersion7(new DateTimeOffset(nowUtc, TimeSpan.Zero)), CreatedAtUtc = nowUtc };
        m.Apply(c, nowUtc);
        return m;
    }

    /// <summary>Saves an edit made on <paramref name="version"/>; an edit on an older version is refused (someone saved in between).</summary>
    public void Edit(Content c, int version, DateTime nowUtc)
    {
        if (version != Version) throw new RuleException("measure.version", "Меру уже изменили: откройте её заново и повторите правку.");
        Apply(c, nowUtc);
    }

    /// <summary>The owner confirms the measure is current without changing it.</summary>
    public void MarkChecked(DateTime nowUtc)
    {
        CheckedAtUtc = nowUtc;
        Version++;
    }

    void Apply(Content c, DateTime nowUtc)
    {
        (Title, Summary, Form, AmountMaxRub, AmountText, Kinds, Okved, TerritoryId, Conditions, Documents, Deadlines, ApplyUntil, OrganisationId, ApplyUrl,
            TopicId, IsPublished) = c;
        SearchStems = RussianText.Stems(string.Join(' ', Title, Summary, AmountText, Conditions, FormName(Form)));
        UpdatedAtUtc = CheckedAtUtc = nowUtc;
        Version++;
        if (IsPublished && FirstPublishedAtUtc is null) { FirstPublishedAtUtc = nowUtc; NewlyPublished = true; }
    }

    /// <summary>Is the measure for this sector? A measure limited to "10, 56.1" takes 10.71 and 56.10, not 47.11.</summary>
    public static bool FitsOkved(string measureOkved, string? code)
    {
        var limits = OkvedList(measureOkved);
        if (limits.Count == 0 || string.IsNullOrWhiteSpace(code)) return true;
        var c = code.Trim();
        return limits.Any(l => c == l || c.StartsWith(l + ".", StringComparison.Ordinal) || (l.Contains('.', StringComparison.Ordinal) && c.StartsWith(l, StringComparison.Ordinal)));
    }

    public static IReadOnlyList<string> OkvedList(string? okved) =>
        [.. (okved ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    public static string FormName(SupportForm form) => form switch
    {
        SupportForm.Subsidy => "субсидия",
        SupportForm.Grant => "грант",
        SupportForm.Loan => "заём",
        SupportForm.Guarantee => "поручительство",
        SupportForm.Property => "имущественная поддержка",
        SupportForm.Consulting => "консультационная поддержка",
        SupportForm.Training => "обучение",
        _ => form.ToString(),
    };

    public static string KindsText(BusinessKinds kinds) => kinds == BusinessKinds.None ? "все" : string.Join(", ",
        new[] { (BusinessKinds.SoleTrader, "ИП"), (BusinessKinds.Small, "малый бизнес"), (BusinessKinds.Medium, "средний бизнес") }
            .Where(k => kinds.HasFlag(k.Item1)).Select(k => k.Item2));
}

sealed class SupportMeasureConfiguration : IEntityTypeConfiguration<SupportMeasure>
{
    public void Configure(EntityTypeBuilder<SupportMeasure> b)
    {
        b.ToTable("SupportMeasures");
        b.HasKey(m => m.Id);
        b.Property(m => m.Title).HasMaxLength(300);
        b.Property(m => m.Summary).HasMaxLength(4000);
        b.Property(m => m.AmountText).HasMaxLength(300);
        b.Property(m => m.Okved).HasMaxLength(300);
        b.Property(m => m.Conditions).HasMaxLength(8000);
        b.Property(m => m.Documents).HasMaxLength(8000);
        b.Property(m => m.Deadlines).HasMaxLength(500);
        b.Property(m => m.ApplyUrl).HasMaxLength(500);
        b.Property(m => m.SearchStems).HasMaxLength(20000);
        // Kinds are flags: stored as their number so that "sole traders" is a bit test in SQL on both engines.
        b.Property(m => m.Kinds).HasConversion<int>();
        b.Property(m => m.Version).IsConcurrencyToken();
        b.Ignore(m => m.NewlyPublished);
        b.HasIndex(m => new { m.IsPublished, m.Form });
        b.HasIndex(m => m.OrganisationId);
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Directory.Territory>().WithMany().HasForeignKey(m => m.TerritoryId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Directory.Topic>().WithMany().HasForeignKey(m => m.TopicId).OnDelete(DeleteBehavior.SetNull);
    }
}
