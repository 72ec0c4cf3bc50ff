using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Infrastructure;

namespace Otklik.Features.Discussions;

public enum DiscussionKind { Document, Project, Plan }

/// <summary>Open for comments; closed by the sweep when its period ends; summarised when the organisation publishes what it accepted.</summary>
public enum DiscussionState { Open, Closed, Summarised }

public enum CommentState { Pending, Published, Refused }

/// <summary>Why a comment was not published: a fixed list, so that refusals are even-handed and the author reads a known reason.</summary>
public enum CommentRefusal { Offensive, OffTopic, Advertising, PersonalData, Duplicate, Unlawful }

/// <summary>What the organisation did with a published comment, in its summary.</summary>
public enum CommentVerdict { Accepted, Partly, NotAccepted }

/// <summary>
/// A public discussion (issue 22.5, as the federal feedback platform offers): an organisation publishes a draft — a
/// document, a project, a plan of improvements — for comments until a date; comments are moderated before anyone sees
/// them; after the closing the organisation publishes per comment what it accepted and why.
/// </summary>
public sealed class Discussion
{
    public const int MaxFiles = 10;

    public Guid Id { get; set; }
    public string Title { get; set; } = "";
    public DiscussionKind Kind { get; set; }
    public string Text { get; set; } = "";
    public Guid OwnerOrganisationId { get; set; }
    /// <summary>The territory the draft concerns; null for the whole region.</summary>
    public Guid? TerritoryId { get; set; }
    public DateTime OpensAtUtc { get; set; }
    public DateTime ClosesAtUtc { get; set; }
    public DiscussionState State { get; set; }
    public DateTime? ClosedAtUtc { get; set; }
    /// <summary>The organisation's overall conclusion, published with the verdicts on each comment.</summary>
    public string? Summary { get; set; }
    public DateTime? SummaryPublishedAtUtc { get; set; }
    public Guid CreatedByPersonId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public int Version { get; set; }
    public List<DiscussionFile> Files { get; set; } = [];

    /// <summary>Comments are taken until the closing moment, even before the sweep has marked the discussion closed.</summary>
    public bool TakesComments(DateTime nowUtc) => State == DiscussionState.Open && nowUtc < ClosesAtUtc;

    public DiscussionComment Comment(Guid personId, string authorName, string? text, DateTime nowUtc)
    {
        if (!TakesComments(nowUtc)) throw new RuleException("discussion.closed", "Обсуждение завершено: комментарии больше не принимаются.");
        var t = text?.Trim() ?? "";
        if (t.Length is < 5 or > DiscussionComment.MaxText)
            throw new InputException("text", "discussion.comment_text", $"Напишите комментарий: от 5 до {DiscussionComment.MaxText} знаков.", StatusCodes.Status422UnprocessableEntity);
        return new DiscussionComment
        {
            Id = Guid.CreateVersion7(), DiscussionId = Id, AuthorPersonId = personId, AuthorName = authorName, Text = t, SubmittedAtUtc = nowUtc,
            State = CommentState.Pending,
        };
    }

    /// <summary>The end of the period (the sweep does it in bulk; this is the same rule for one discussion).</summary>
    public void Close(DateTime nowUtc)
    {
        if (State != DiscussionState.Open) return;
        State = DiscussionState.Closed;
        ClosedAtUtc = nowUtc;
        Version++;
    }

    /// <summary>
    /// The summary published: every published comment has a verdict, and every verdict short of "accepted" says why.
    /// Only after the closing, once: a published summary is the organisation's public word and is not rewritten.
    /// </summary>
    public void PublishSummary(string? summary, IReadOnlyList<DiscussionComment> published, IReadOnlyDictionary<Guid, (CommentVerdict? Verdict, string? Reason)> verdicts,
        DateTime nowUtc)
    {
        if (State == DiscussionState.Summarised) throw new RuleException("discussion.summarised", "Итоги уже опубликованы.");
        if (State == DiscussionState.Open && nowUtc < ClosesAtUtc) throw new RuleException("discussion.still_open", "Итоги публикуются после окончания обсуждения.");
        var errors = new Dictionary<string, string[]>();
        var s = summary?.Trim() ?? "";
        if (s.Length is < 10 or > 20_000) errors["summary"] = ["Напишите итоги обсуждения: от 10 до 20 000 знаков."];
        foreach (var c in published)
        {
            var (verdict, reason) = verdicts.GetValueOrDefault(c.Id);
            if (verdict is null) errors[$"verdict-{c.Id}"] = ["Укажите, учтено ли предложение."];
            else if (verdict != CommentVerdict.Accepted && string.IsNullOrWhiteSpace(reason)) errors[$"reason-{c.Id}"] = ["Объясните, почему предложение учтено не полностью или не учтено."];
            else if (reason?.Trim().Length > 2000) errors[$"reason-{c.Id}"] = ["Не длиннее 2000 знаков."];
        }
        if (errors.Count > 0) throw new InputException(errors, "discussion.summary_invalid", errors.First().Value[0], StatusCodes.Status422UnprocessableEntity);
        foreach (var c in published)
        {
            var (verdict, reason) = verdicts[c.Id];
            c.Verdict = verdict;
            c.VerdictReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        }
        Close(nowUtc);
        State = DiscussionState.Summarised;
        Summary = s;
        SummaryPublishedAtUtc = nowUtc;
        Version++;
    }
}

/// <summary>A file of the draft (the document itself, a scheme), public like the discussion.</summary>
public sealed class DiscussionFile
{
    public Guid Id { get; set; }
    public Guid DiscussionId { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long Size { get; set; }
    public string StorageKey { get; set; } = "";
}

/// <summary>A visitor's comment: seen by others only once a moderator publishes it; a refusal names a reason from the list.</summary>
public sealed class DiscussionComment
{
    public const int MaxText = 5000;

    public Guid Id { get; set; }
    public Guid DiscussionId { get; set; }
    public Guid AuthorPersonId { get; set; }
    /// <summary>How the author is shown: first name and the initial of the last name.</summary>
    public string AuthorName { get; set; } = "";
    public string Text { get; set; } = "";
    public DateTime SubmittedAtUtc { get; set; }
    public CommentState State { get; set; }
    public CommentRefusal? Refusal { get; set; }
    public Guid? ModeratedByPersonId { get; set; }
    public DateTime? ModeratedAtUtc { get; set; }
    public CommentVerdict? Verdict { get; set; }
    public string? VerdictReason { get; set; }
    public int Version { get; set; }

    public void Publish(Guid moderator, DateTime nowUtc) => Moderate(CommentState.Published, null, moderator, nowUtc);

    public void Refuse(CommentRefusal reason, Guid moderator, DateTime nowUtc) => Moderate(CommentState.Refused, reason, moderator, nowUtc);

    void Moderate(CommentState state, CommentRefusal? reason, Guid moderator, DateTime nowUtc)
    {
        if (State != CommentState.Pending) throw new RuleException("discussion.comment_moderated", "Этот комментарий уже рассмотрен другим модератором.");
        (State, Refusal, ModeratedByPersonId, ModeratedAtUtc) = (state, reason, moderator, nowUtc);
        Version++;
    }
}

public static class DiscussionLabels
{
    public static string Of(DiscussionKind k) => k switch
    {
        DiscussionKind.Document => "Проект документа",
        DiscussionKind.Project => "Проект",
        _ => "План улучшений",
    };

    public static string Of(CommentRefusal r) => r switch
    {
        CommentRefusal.Offensive => "Оскорбления или нецензурная лексика",
        CommentRefusal.OffTopic => "Не относится к предмету обсуждения",
        CommentRefusal.Advertising => "Реклама или спам",
        CommentRefusal.PersonalData => "Содержит персональные данные других людей",
        CommentRefusal.Duplicate => "Повторяет уже отправленный комментарий",
        _ => "Призывы к нарушению закона",
    };

    public static string Of(CommentVerdict v) => v switch
    {
        CommentVerdict.Accepted => "Учтено",
        CommentVerdict.Partly => "Учтено частично",
        _ => "Не учтено",
    };

    public static string Of(DiscussionState s, DateTime closesAtUtc, DateTime nowUtc) => s switch
    {
        DiscussionState.Open when nowUtc < closesAtUtc => "Идёт обсуждение",
        DiscussionState.Summarised => "Итоги опубликованы",
        _ => "Обсуждение завершено, готовятся итоги",
    };

    /// <summary>"Анна П.": enough to tell the comments apart, no more of the person than that.</summary>
    public static string AuthorOf(string firstName, string lastName) =>
        string.IsNullOrWhiteSpace(lastName) ? firstName.Trim() : $"{firstName.Trim()} {lastName.Trim()[0]}.";
}

sealed class DiscussionConfiguration : IEntityTypeConfiguration<Discussion>, IEntityTypeConfiguration<DiscussionFile>, IEntityTypeConfiguration<DiscussionComment>
{
    public void Configure(EntityTypeBuilder<Discussion> b)
    {
        b.Property(d => d.Id).ValueGeneratedNever();
        b.Property(d => d.Title).HasMaxLength(500);
        b.Property(d => d.Text).HasMaxLength(100_000);
        b.Property(d => d.Summary).HasMaxLength(20_000);
        b.Property(d => d.Version).IsConcurrencyToken();
        b.HasIndex(d => new { d.State, d.ClosesAtUtc });
        b.HasMany(d => d.Files).WithOne().HasForeignKey(f => f.DiscussionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(d => d.OwnerOrganisationId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<DiscussionFile> b)
    {
        b.Property(f => f.Id).ValueGeneratedNever();
        b.Property(f => f.FileName).HasMaxLength(255);
        b.Property(f => f.ContentType).HasMaxLength(200);
        b.Property(f => f.StorageKey).HasMaxLength(64);
    }

    public void Configure(EntityTypeBuilder<DiscussionComment> b)
    {
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.AuthorName).HasMaxLength(300);
        b.Property(c => c.Text).HasMaxLength(DiscussionComment.MaxText);
        b.Property(c => c.VerdictReason).HasMaxLength(2000);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.HasIndex(c => new { c.DiscussionId, c.State });
        b.HasIndex(c => c.AuthorPersonId);
        b.HasOne<Discussion>().WithMany().HasForeignKey(c => c.DiscussionId).OnDelete(DeleteBehavior.Cascade);
    }
}
