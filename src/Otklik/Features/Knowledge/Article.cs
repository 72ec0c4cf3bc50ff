using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Infrastructure;

namespace Otklik.Features.Knowledge;

/// <summary>
/// A knowledge base article: a typical question and its answer, the legal basis and links, under a category (and
/// topic) and an owner organisation that keeps it current. Every edit is kept as a version (who, when, which fields).
/// </summary>
public sealed class Article
{
    public Guid Id { get; set; }
    /// <summary>The question, as people ask it: the article's title.</summary>
    public string Title { get; set; } = "";
    public string Answer { get; set; } = "";
    public string? LegalBasis { get; set; }
    /// <summary>Links, one per line.</summary>
    public string? Links { get; set; }
    public Guid CategoryId { get; set; }
    public Guid? TopicId { get; set; }
    public Guid OwnerOrganisationId { get; set; }
    public Guid? AuthorId { get; set; }
    public string AuthorName { get; set; } = "";
    /// <summary>The article must be reviewed by this date; after it the article is stale.</summary>
    public DateOnly ReviewOn { get; set; }
    public bool IsPublished { get; set; }
    /// <summary>How many answers were given from this article.</summary>
    public int UsageCount { get; set; }
    /// <summary>How many times a person about to submit an appeal opened this article from the suggestions.</summary>
    public int SuggestionOpens { get; set; }
    /// <summary>The review date the owner was last told had passed: one notice per staleness.</summary>
    public DateOnly? StaleNoticeFor { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime UpdatedAtUtc { get; set; }
    public int Version { get; set; }
    public List<ArticleVersion> Versions { get; set; } = [];

    public bool IsStale(DateOnly today) => ReviewOn < today;

    /// <summary>The content of an article as edited: a form, an API body or an imported row.</summary>
    public sealed record Content(string Title, string Answer, string? LegalBasis, string? Links, Guid CategoryId, Guid? TopicId,
        Guid OwnerOrganisationId, DateOnly ReviewOn, bool IsPublished);

    public Content Current => new(Title, Answer, LegalBasis, Links, CategoryId, TopicId, OwnerOrganisationId, ReviewOn, IsPublished);

    static readonly (string Label, Func<Content, object?> Value)[] Fields =
    [
        ("вопрос", c => c.Title), ("ответ", c => c.Answer), ("правовое основание", c => c.LegalBasis), ("ссылки", c => c.Links),
        ("категория", c => c.CategoryId), ("тема", c => c.TopicId), ("владелец", c => c.OwnerOrganisationId),
        ("дата пересмотра", c => c.ReviewOn), ("публикация", c => c.IsPublished),
    ];

    public static Article Create(Content c, Guid? authorId, string authorName, DateTime nowUtc, Guid? id = null)
    {
        var article = new Article
        {
            Id = id ?? Guid.CreateVersion7(new DateTimeOffset(nowUtc, TimeSpan.Zero)), AuthorId = authorId, AuthorName = authorName, CreatedAtUtc = nowUtc,
        };
        article.Apply(c, authorId, authorName, nowUtc, "создана");
        return article;
    }

    /// <summary>Applies an edit; returns false (and records nothing) when nothing changed.</summary>
    public bool Edit(Content c, Guid? editorId, string editorName, DateTime nowUtc)
    {
        var before = Current;
        var changed = Fields.Where(f => !Equals(f.Value(before), f.Value(c))).Select(f => f.Label).ToList();
        if (changed.Count == 0) return false;
        Apply(c, editorId, editorName, nowUtc, string.Join(", ", changed));
        return true;
    }

    void Apply(Content c, Guid? editorId, string editorName, DateTime nowUtc, string changes)
    {
        (Title, Answer, LegalBasis, Links, CategoryId, TopicId, OwnerOrganisationId, ReviewOn, IsPublished) =
            (c.Title, c.Answer, c.LegalBasis, c.Links, c.CategoryId, c.TopicId, c.OwnerOrganisationId, c.ReviewOn, c.IsPublished);
        UpdatedAtUtc = nowUtc;
        Version++;
        Versions.Add(new ArticleVersion
        {
            Id = Guid.CreateVersion7(new DateTimeOffset(nowUtc, TimeSpan.Zero)), ArticleId = Id, Number = Version, ChangedAtUtc = nowUtc,
            ChangedById = editorId, ChangedByName = editorName, Changes = changes, Snapshot = JsonSerializer.Serialize(c, Json.Options),
        });
    }
}

/// <summary>One edit of an article: who made it, when, which fields changed, and the content after it.</summary>
public sealed class ArticleVersion
{
    public Guid Id { get; set; }
    public Guid ArticleId { get; set; }
    public int Number { get; set; }
    public DateTime ChangedAtUtc { get; set; }
    public Guid? ChangedById { get; set; }
    public string ChangedByName { get; set; } = "";
    public string Changes { get; set; } = "";
    public string Snapshot { get; set; } = "";
}

/// <summary>An answer template with placeholders (<see cref="Placeholders"/>), for a category or a topic, kept by an organisation.</summary>
public sealed class AnswerTemplate
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Body { get; set; } = "";
    public Guid? CategoryId { get; set; }
    public Guid? TopicId { get; set; }
    public Guid OwnerOrganisationId { get; set; }
    public Guid? AuthorId { get; set; }
    public DateTime UpdatedAtUtc { get; set; }
    public int Version { get; set; }
}

sealed class KnowledgeConfiguration : IEntityTypeConfiguration<Article>, IEntityTypeConfiguration<ArticleVersion>, IEntityTypeConfiguration<AnswerTemplate>
{
    public void Configure(EntityTypeBuilder<Article> b)
    {
        b.HasKey(a => a.Id);
        // Ids are made in code; a version added to a loaded article must be inserted, not taken for an existing row.
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.Title).HasMaxLength(500);
        b.Property(a => a.Answer).HasMaxLength(20000);
        b.Property(a => a.LegalBasis).HasMaxLength(4000);
        b.Property(a => a.Links).HasMaxLength(4000);
        b.Property(a => a.AuthorName).HasMaxLength(300);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.HasOne<Directory.Category>().WithMany().HasForeignKey(a => a.CategoryId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Directory.Topic>().WithMany().HasForeignKey(a => a.TopicId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(a => a.OwnerOrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(a => a.Versions).WithOne().HasForeignKey(v => v.ArticleId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.IsPublished, a.CategoryId });
        b.HasIndex(a => new { a.ReviewOn, a.OwnerOrganisationId });
        b.Ignore(a => a.Current);
    }

    public void Configure(EntityTypeBuilder<ArticleVersion> b)
    {
        b.HasKey(v => v.Id);
        b.Property(v => v.Id).ValueGeneratedNever();
        b.Property(v => v.ChangedByName).HasMaxLength(300);
        b.Property(v => v.Changes).HasMaxLength(1000);
        b.HasIndex(v => new { v.ArticleId, v.Number }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<AnswerTemplate> b)
    {
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).ValueGeneratedNever();
        b.Property(t => t.Name).HasMaxLength(300);
        b.Property(t => t.Body).HasMaxLength(20000);
        b.Property(t => t.Version).IsConcurrencyToken();
        b.HasOne<Directory.Category>().WithMany().HasForeignKey(t => t.CategoryId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Directory.Topic>().WithMany().HasForeignKey(t => t.TopicId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Directory.Organisation>().WithMany().HasForeignKey(t => t.OwnerOrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}
