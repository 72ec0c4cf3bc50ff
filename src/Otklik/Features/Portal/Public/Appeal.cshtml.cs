using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Moderation;
using Otklik.Infrastructure;

namespace Otklik.Features.Portal.Public;

/// <summary>
/// A published appeal's page: its (masked) text, photos, place, executor, deadline, the answer once sent and its rating;
/// "Поддержать" for signed-in people. Anything not published is a plain 404, whoever asks.
/// </summary>
[OutputCache(PolicyName = PublicCache.Policy)]
[CountsPublicView]
public sealed class AppealPageModel(AppDbContext db, CurrentUser user, TimeProvider clock, IOutputCacheStore cache) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Number { get; set; } = "";

    public Appeal? Appeal { get; private set; }
    public PublicNames Names { get; private set; } = null!;
    public IReadOnlyList<Guid> Photos { get; private set; } = [];
    /// <summary>The answer's photos a moderator published («Стало»), shown beside the appeal's first photo («Было»).</summary>
    public IReadOnlyList<Guid> AfterPhotos { get; private set; } = [];
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public DateTime NowUtc { get; private set; }
    public bool SignedIn => user.IsAuthenticated;
    public bool SupportedByMe { get; private set; }
    /// <summary>The signed-in person follows this appeal (Features/Alerts).</summary>
    public bool FollowedByMe { get; private set; }
    public string? Notice { get; private set; }

    public string Text => PublicMasking.AppealText(Appeal!).Public;
    public string AnswerText => PublicMasking.AnswerText(Appeal!).Public;
    public string? Address => PublicMasking.Address(Appeal!.Address, Appeal.Applicant.PostalAddress);
    /// <summary>The point on the map: coarsened to the street when the address is the applicant's own.</summary>
    public (double Lat, double Lon)? Point => Appeal!.Latitude is { } lat && Appeal.Longitude is { } lon
        ? PublicMasking.IsOwnAddress(Appeal.Address, Appeal.Applicant.PostalAddress) ? (PublicMasking.Coarse(lat), PublicMasking.Coarse(lon)) : (lat, lon)
        : null;
    public bool Overdue => DeadlineStates.Of(Appeal!, NowUtc) == DeadlineState.Overdue;
    public bool AnswerShown => PublicAppeals.AnswerShown(Appeal!.Status) && Appeal.AnswerText is not null;
    /// <summary>The answers sent before the current one (a low rating reopened the appeal), newest first, with their ratings.</summary>
    public IReadOnlyList<AnswerHistory.Entry> EarlierAnswers { get; private set; } = [];
    /// <summary>The current answer's own rating: the entity's Rating still holds the low one that reopened the appeal.</summary>
    public int? CurrentRating { get; private set; }
    public string Masked(string? text) => PublicMasking.Mask(text ?? "", Appeal!.Applicant, Appeal.PublicUnmasked).Public;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFoundPage();
        Notice = SignedIn ? TempData["Notice"] as string : null;
        return Page();
    }

    /// <summary>"Me too": once per person; a second press changes nothing and says so.</summary>
    public async Task<IActionResult> OnPostSupportAsync(CancellationToken ct)
    {
        if (!user.IsAuthenticated || user.Id is not { } me) return Challenge();
        var appeal = await db.Appeals.AsNoTracking().Visible().Where(a => a.Number == Number).Select(a => new { a.Id }).SingleOrDefaultAsync(ct);
        if (appeal is null) return NotFoundPage();
        var added = await SupportAsync(db, appeal.Id, me, clock.GetUtcNow().UtcDateTime, ct);
        if (added) await PublicCache.AppealChangedAsync(cache, Number, ct);
        TempData["Notice"] = added ? "Спасибо, вы поддержали это обращение." : "Вы уже поддержали это обращение.";
        return Redirect($"/appeals/{Number}#support");
    }

    /// <summary>Adds the support and counts it in one transaction; the primary key (appeal, person) settles a race.</summary>
    public static async Task<bool> SupportAsync(AppDbContext db, Guid appealId, Guid personId, DateTime nowUtc, CancellationToken ct)
    {
        if (await db.Set<AppealSupport>().AnyAsync(s => s.AppealId == appealId && s.PersonId == personId, ct)) return false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            db.Add(new AppealSupport { AppealId = appealId, PersonId = personId, AtUtc = nowUtc });
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
        await db.Appeals.Where(a => a.Id == appealId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Supports, a => a.Supports + 1), ct);
        await tx.CommitAsync(ct);
        return true;
    }

    IActionResult NotFoundPage()
    {
        Appeal = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    async Task<bool> LoadAsync(CancellationToken ct)
    {
        NowUtc = clock.GetUtcNow().UtcDateTime;
        if (Number.Length > 20) return false;
        Appeal = await db.Appeals.AsNoTracking().Visible().SingleOrDefaultAsync(a => a.Number == Number, ct);
        if (Appeal is null) return false;
        Names = await PublicNames.LoadAsync(db, ct);
        Photos = await db.Attachments.AsNoTracking()
            .Where(f => f.AppealId == Appeal.Id && f.Kind == AttachmentKind.Photo && f.Purpose == AttachmentPurpose.Appeal)
            .OrderBy(f => f.UploadedAtUtc).Select(f => f.Id).ToListAsync(ct);
        AfterPhotos = PublicAppeals.AnswerShown(Appeal.Status)
            ? await db.Attachments.AsNoTracking()
                .Where(f => f.AppealId == Appeal.Id && f.Kind == AttachmentKind.Photo && f.Purpose == AttachmentPurpose.Answer && f.PublishedAtUtc != null)
                .OrderBy(f => f.UploadedAtUtc).Select(f => f.Id).ToListAsync(ct)
            : [];
        Zone = await ModerationScreens.ZoneOfAsync(db, Appeal.OwnerOrganisationId, ct);
        var appealId = Appeal.Id;
        var answerEvents = await db.Set<AppealEvent>().AsNoTracking()
            .Where(e => e.AppealId == appealId && AnswerHistory.Kinds.Contains(e.Kind)).ToListAsync(ct);
        var answers = AnswerHistory.Of(Appeal, answerEvents);
        EarlierAnswers = [.. answers.Skip(AnswerShown ? 1 : 0)];
        CurrentRating = AnswerShown ? answers.FirstOrDefault()?.Rating ?? (answers.Count == 0 ? Appeal.Rating : null) : null;
        if (user.Id is { } me)
        {
            var id = Appeal.Id;
            SupportedByMe = await db.Set<AppealSupport>().AnyAsync(s => s.AppealId == id && s.PersonId == me, ct);
            FollowedByMe = await db.AlertSubscriptions.AnyAsync(s => s.AppealId == id && s.PersonId == me, ct);
        }
        return true;
    }

    public string Date(DateTime? utc) => utc is { } u
        ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(u, DateTimeKind.Utc), Zone).ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture)
        : "";
}
