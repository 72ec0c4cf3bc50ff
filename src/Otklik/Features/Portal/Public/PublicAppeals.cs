using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Otklik.Data;
using Otklik.Features.Appeals;

namespace Otklik.Features.Portal.Public;

/// <summary>Where a published appeal stands, in the words a citizen uses (the staff statuses are finer than that).</summary>
public enum PublicStage { Accepted, InWork, Answered, Closed, Redirected, Ended }

/// <summary>What the feed's type filter offers: three appeal types and the answered ones.</summary>
public enum FeedKind { Problems, Proposals, Gratitude, Solved }

/// <summary>
/// THE rule of what the public portal shows, used by every public page, the map, the statistics and the photos:
/// an appeal the applicant agreed to publish (<see cref="Appeal.IsPublic"/> and <see cref="Appeal.PublicationConsent"/>)
/// that has passed moderation — registered, and not ended by the moderator (rejected or merged into another).
/// Before registration nobody has checked the text; a rejected or merged appeal was never accepted.
/// What of it is shown: <see cref="Appeal.PublicText"/> (the moderator's masked copy) or else the text, and the answer
/// only once it has been sent, both through <see cref="PublicMasking"/> (phones, e-mails, ИНН, СНИЛС, passport numbers, the
/// applicant's names); the address at street level when it is the applicant's own; the applicant as a first name and
/// the initial of the surname; never the applicant's phone, e-mail or postal address.
/// </summary>
public static class PublicAppeals
{
    public static readonly AppealStatus[] Shown =
    [
        AppealStatus.Registered, AppealStatus.Assigned, AppealStatus.InWork, AppealStatus.AnswerDraft, AppealStatus.AnswerReview,
        AppealStatus.AnswerSent, AppealStatus.Closed, AppealStatus.Redirected, AppealStatus.LeftWithoutAnswer, AppealStatus.Returned,
        AppealStatus.CorrespondenceStopped,
    ];

    /// <summary>The statuses whose answer the applicant has received; any other answer text is a draft or a reworked one.</summary>
    public static readonly AppealStatus[] Answered = [AppealStatus.AnswerSent, AppealStatus.Closed];

    public static IQueryable<Appeal> Visible(this IQueryable<Appeal> appeals) =>
        appeals.Where(a => a.IsPublic && a.PublicationConsent && a.RegisteredAtUtc != null && Shown.Contains(a.Status));

    public static bool IsVisible(Appeal a) => a.IsPublic && a.PublicationConsent && a.RegisteredAtUtc != null && Shown.Contains(a.Status);

    public static bool AnswerShown(AppealStatus status) => Answered.Contains(status);

    public static PublicStage StageOf(AppealStatus s) => s switch
    {
        AppealStatus.Registered or AppealStatus.Assigned => PublicStage.Accepted,
        AppealStatus.AnswerSent => PublicStage.Answered,
        AppealStatus.Closed => PublicStage.Closed,
        AppealStatus.Redirected => PublicStage.Redirected,
        AppealStatus.LeftWithoutAnswer or AppealStatus.Returned or AppealStatus.CorrespondenceStopped => PublicStage.Ended,
        // A drafted answer is not an answer yet: the public sees the appeal in work until the answer is sent.
        _ => PublicStage.InWork,
    };

    public static AppealStatus[] StatusesOf(PublicStage stage) => [.. Shown.Where(s => StageOf(s) == stage)];

    public static string Title(PublicStage s) => s switch
    {
        PublicStage.Accepted => "Принято к рассмотрению",
        PublicStage.InWork => "В работе",
        PublicStage.Answered => "Дан ответ",
        PublicStage.Closed => "Закрыто",
        PublicStage.Redirected => "Передано по компетенции",
        PublicStage.Ended => "Рассмотрение прекращено",
        _ => s.ToString(),
    };

    public static string Title(FeedKind k) => k switch
    {
        FeedKind.Problems => "Проблемы",
        FeedKind.Proposals => "Предложения",
        FeedKind.Gratitude => "Благодарности",
        FeedKind.Solved => "Решённые",
        _ => k.ToString(),
    };

    public static IQueryable<Appeal> OfKind(this IQueryable<Appeal> appeals, FeedKind? kind) => kind switch
    {
        FeedKind.Problems => appeals.Where(a => a.Type == AppealType.Problem),
        FeedKind.Proposals => appeals.Where(a => a.Type == AppealType.Proposal),
        FeedKind.Gratitude => appeals.Where(a => a.Type == AppealType.Gratitude),
        FeedKind.Solved => appeals.Where(a => Answered.Contains(a.Status)),
        _ => appeals,
    };

    /// <summary>"Анна К.": a first name and the initial of the surname; an organisation by its name, a sole trader by neither.</summary>
    public static string Author(ApplicantInfo a) => a.Kind switch
    {
        ApplicantKind.Anonymous => "Житель",
        // A sole trader's "organisation" is their full name: personal data like any other, however it is spelt.
        ApplicantKind.Organisation when a.OrganisationName is null || PublicMasking.IsSoleTrader(a.OrganisationName, a.Inn, a.Ogrn) => "Предприниматель",
        ApplicantKind.Organisation => a.OrganisationName,
        _ when string.IsNullOrWhiteSpace(a.FirstName) => "Житель",
        _ => a.FirstName.Trim() + (string.IsNullOrWhiteSpace(a.LastName) ? "" : $" {char.ToUpperInvariant(a.LastName.Trim()[0])}."),
    };

    public static string Excerpt(string text, int length = 220)
    {
        var flat = string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        if (flat.Length <= length) return flat;
        var cut = flat.LastIndexOf(' ', length);
        return flat[..(cut > length / 2 ? cut : length)].TrimEnd(',', '.', ';', ':', ' ') + "…";
    }
}

/// <summary>A signed-in person's "me too" for a published appeal: one per person and appeal (the primary key says so).</summary>
public sealed class AppealSupport
{
    public Guid AppealId { get; set; }
    public Guid PersonId { get; set; }
    public DateTime AtUtc { get; set; }
}

sealed class AppealSupportConfiguration : IEntityTypeConfiguration<AppealSupport>
{
    public void Configure(EntityTypeBuilder<AppealSupport> b)
    {
        b.ToTable("AppealSupports");
        b.HasKey(s => new { s.AppealId, s.PersonId });
        b.HasOne<Appeal>().WithMany().HasForeignKey(s => s.AppealId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Directory.Person>().WithMany().HasForeignKey(s => s.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => s.PersonId);
    }
}

/// <summary>The names of the directory's small tables, read once per request (a handful of rows each).</summary>
public sealed record PublicNames(
    IReadOnlyDictionary<Guid, string> Categories, IReadOnlyDictionary<Guid, string> Topics,
    IReadOnlyDictionary<Guid, string> Territories, IReadOnlyDictionary<Guid, string> Organisations)
{
    public static async Task<PublicNames> LoadAsync(AppDbContext db, CancellationToken ct) => new(
        await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, ct),
        await db.Topics.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct),
        await db.Territories.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct),
        await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Name, ct));

    public string Category(Guid id) => Categories.GetValueOrDefault(id, "");
    public string? Topic(Guid? id) => id is { } t ? Topics.GetValueOrDefault(t) : null;
    public string? Territory(Guid? id) => id is { } t ? Territories.GetValueOrDefault(t) : null;
    public string? Organisation(Guid? id) => id is { } o ? Organisations.GetValueOrDefault(o) : null;
}
