using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Features.Appeals;

namespace Otklik.Features.Exchange.Msed;

/// <summary>
/// What an appeal's document package is (ADR 0044): the appeal itself sent to a body outside the platform (a ministry
/// the document system reaches), or an official letter about it.
/// </summary>
public enum PackageKind { Appeal, Letter }

/// <summary>
/// One document package sent to the document system (МСЭД) for an appeal (issue 19 item 5, ADR 0044). Its id is the
/// package's id in the exchange (the document system refuses a second package with the same id, so a retry registers
/// nothing twice); the registration number and date come back, and the answer document once (its id is unique).
/// </summary>
public sealed class DocumentPackage
{
    public Guid Id { get; set; }
    public Guid AppealId { get; set; }
    public PackageKind Kind { get; set; }
    /// <summary>The addressee as the document system names it (a ministry, a department).</summary>
    public string Recipient { get; set; } = "";
    /// <summary>The covering note of the package (why it goes there).</summary>
    public string Note { get; set; } = "";
    public Guid CreatedById { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    /// <summary>When the document system took the package (its gateway answered 2xx).</summary>
    public DateTime? SentAtUtc { get; set; }
    public string? RegistrationNumber { get; set; }
    public DateOnly? RegisteredOn { get; set; }
    /// <summary>The answer document's id in the document system: unique, so the same answer sent again is recognised.</summary>
    public string? AnswerDocumentId { get; set; }
    public string? AnswerNumber { get; set; }
    public DateOnly? AnswerDate { get; set; }
    public DateTime? AnswerReceivedAtUtc { get; set; }
    public DateTime? LastAttemptAtUtc { get; set; }
    public string? LastError { get; set; }
}

sealed class DocumentPackageConfiguration : IEntityTypeConfiguration<DocumentPackage>
{
    public void Configure(EntityTypeBuilder<DocumentPackage> b)
    {
        b.HasKey(p => p.Id);
        b.Property(p => p.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(p => p.Recipient).HasMaxLength(300);
        b.Property(p => p.Note).HasMaxLength(2000);
        b.Property(p => p.RegistrationNumber).HasMaxLength(100);
        b.Property(p => p.AnswerDocumentId).HasMaxLength(200);
        b.Property(p => p.AnswerNumber).HasMaxLength(100);
        b.Property(p => p.LastError).HasMaxLength(1000);
        b.HasIndex(p => p.AppealId);
        b.HasIndex(p => p.AnswerDocumentId).IsUnique();
        b.HasOne<Appeal>().WithMany().HasForeignKey(p => p.AppealId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// The document system's gateway (<c>Otklik:DocumentExchange</c>): where packages go, the key Otklik sends, the key the
/// gateway sends back with its notices, and the names on the card. Without a URL the exchange is off.
/// </summary>
public sealed class MsedSettings
{
    public Uri? Url { get; init; }
    public string? Key { get; init; }
    public string? InboundKey { get; init; }
    public string Title { get; init; } = "МСЭД";
    /// <summary>Otklik's name as a participant of the exchange (the card's sender).</summary>
    public string Sender { get; init; } = "Портал «Отклик»";

    public bool IsConfigured => Url is not null;

    public static MsedSettings From(IConfiguration config)
    {
        var s = config.GetSection("Otklik:DocumentExchange");
        return new MsedSettings
        {
            Url = Uri.TryCreate(s["Url"], UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u : null,
            Key = s["Key"] is { Length: > 0 } k ? k : null,
            InboundKey = s["InboundKey"] is { Length: > 0 } ik ? ik : null,
            Title = s["Title"] is { Length: > 0 } t ? t : "МСЭД",
            Sender = s["Sender"] is { Length: > 0 } n ? n : "Портал «Отклик»",
        };
    }
}

/// <summary>A package as it leaves: the registration card (XML), the appeal's text (PDF) and its files.</summary>
public sealed record PackageContent(Guid PackageId, byte[] Card, byte[] TextPdf, IReadOnlyList<PackageFile> Files);

public sealed record PackageFile(string FileName, string ContentType, byte[] Bytes);

/// <summary>What the document system answered on taking a package: its registration, when it registers at once.</summary>
public sealed record PackageReceipt(string? RegistrationNumber, DateOnly? RegisteredOn);

/// <summary>
/// An exchange with a document system (ADR 0044). The reference is <see cref="HttpDocumentExchange"/>; a region whose
/// gateway watches a folder or an SFTP drop puts another behind this interface. Sending the same package again must
/// register nothing twice (the package id says it is the same), and a package not taken throws (the outbox retries).
/// </summary>
public interface IDocumentExchange
{
    Task<PackageReceipt> SendAsync(PackageContent package, CancellationToken ct);
}
