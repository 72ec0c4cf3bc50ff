using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Otklik.Features.Search;

public enum SearchKind { Article, Appeal }

/// <summary>
/// One searchable document: an article, or an appeal as staff see it, or an appeal as the public sees it. The public
/// copy of an appeal never holds the applicant's personal data, so public search cannot reach it whatever the query.
/// PostgreSQL adds a generated <c>tsvector</c> column with a GIN index; SQLite mirrors the stems into an FTS5 table
/// (both in the raw-SQL migration KnowledgeSearchSql).
/// </summary>
public sealed class SearchEntry
{
    /// <summary>An integer key: SQLite's FTS5 table refers to its rows by rowid.</summary>
    public long Id { get; set; }
    public SearchKind Kind { get; set; }
    public Guid EntityId { get; set; }
    public bool IsPublic { get; set; }
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    /// <summary>SQLite only: the title and body stemmed by <see cref="RussianText"/>, the text FTS5 indexes. Empty on PostgreSQL.</summary>
    public string TitleStems { get; set; } = "";
    public string BodyStems { get; set; } = "";
}

sealed class SearchEntryConfiguration : IEntityTypeConfiguration<SearchEntry>
{
    public void Configure(EntityTypeBuilder<SearchEntry> b)
    {
        b.ToTable("SearchEntries");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.Property(e => e.Title).HasMaxLength(1000);
        b.HasIndex(e => new { e.EntityId, e.Kind, e.IsPublic }).IsUnique();
    }
}
