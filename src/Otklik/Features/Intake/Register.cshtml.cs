using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Features.Moderation;
using Otklik.Infrastructure;

namespace Otklik.Features.Intake;

/// <summary>
/// The operator registers an appeal heard on the hotline or at a meeting. The submission is the API's own
/// (<see cref="SubmitAppeal"/>, the operator as its actor): the same checks, numbering and idempotency key, so a double click makes one appeal.
/// </summary>
[Authorize]
[RequestSizeLimit(ContentSniffer.MaxPerAppeal * ContentSniffer.MaxDocumentBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = ContentSniffer.MaxPerAppeal * ContentSniffer.MaxDocumentBytes + 1024 * 1024)]
public sealed class RegisterModel(AppDbContext db, CurrentUser user, SubmitAppeal intake, Audit.AuditTrail audit, IFileStore files, TimeProvider clock) : PageModel
{
    /// <summary>Every channel a person keys in: calls and visits, letters (with their scans), and what other bodies pass on.
    /// Not the open channels (applicants write there themselves) nor the machine-only ones (Open311, imports).</summary>
    public static readonly Channel[] Channels = [Channel.Hotline, Channel.Meeting, Channel.Email, Channel.Paper, Channel.GovernorMail,
        Channel.BusinessOmbudsman, Channel.DocumentSystem, Channel.FederalPlatform, Channel.SocialNetwork, Channel.Telegram];

    [BindProperty] public string? IdempotencyKey { get; set; }
    [BindProperty] public Channel Channel { get; set; } = Channel.Hotline;
    [BindProperty] public string? Lookup { get; set; }
    [BindProperty] public int? Pick { get; set; }
    [BindProperty] public ApplicantKind ApplicantKind { get; set; } = ApplicantKind.Person;
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? MiddleName { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? PostalAddress { get; set; }
    [BindProperty] public string? OrganisationName { get; set; }
    [BindProperty] public string? Inn { get; set; }
    [BindProperty] public string? RepresentativeName { get; set; }
    [BindProperty] public AppealType? Type { get; set; }
    [BindProperty] public Guid? CategoryId { get; set; }
    [BindProperty] public Guid? TopicId { get; set; }
    [BindProperty] public string? Address { get; set; }
    [BindProperty] public string? Latitude { get; set; }
    [BindProperty] public string? Longitude { get; set; }
    [BindProperty] public string? Text { get; set; }
    /// <summary>When the channel received it, in the operator's local time ("2026-11-22T15:30"); empty: now.</summary>
    [BindProperty] public string? ReceivedAt { get; set; }
    /// <summary>Scans and files of the appeal (a paper letter's scan); kept across a refused post by their ids.</summary>
    [BindProperty] public List<IFormFile> Files { get; set; } = [];
    [BindProperty] public List<Guid> KeptFiles { get; set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Kept { get; private set; } = [];

    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public IReadOnlyList<ModerationScreens.TopicOption> Topics { get; private set; } = [];
    public IReadOnlyList<ApplicantLookup.Found> Matches { get; private set; } = [];
    public bool Searched { get; private set; }
    /// <summary>The person may look applicants up (<see cref="ApplicantLookup.MayLookUpAsync"/>); others see no search.</summary>
    public bool MayLookUp { get; private set; }
    public Dictionary<string, string> Errors { get; } = [];
    public string? Error { get; private set; }
    public string? Refusal { get; private set; }

    public string? ErrorFor(params string[] fields) => fields.Select(f => Errors.GetValueOrDefault(f)).FirstOrDefault(e => e is not null);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await MayRegisterAsync(ct)) return Refuse();
        IdempotencyKey = Guid.NewGuid().ToString("N");
        await LoadAsync(ct);
        // From the incoming-call screen: the caller's number is already known.
        if (Request.Query["phone"] is { Count: 1 } phone && phone[0] is { Length: > 0 and <= 40 } given) Phone = given;
        ReceivedAt = TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, Zone).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture);
        return Page();
    }

    /// <summary>Finds the applicant by phone or e-mail among earlier appeals and portal accounts, and fills in the first match.</summary>
    public async Task<IActionResult> OnPostFindAsync(CancellationToken ct)
    {
        if (!await MayRegisterAsync(ct)) return Refuse();
        ModelState.Clear();
        await LoadAsync(ct);
        var (matches, problem) = await ApplicantLookup.FindAsync(db, user, Lookup, HttpContext, audit, ct);
        Searched = problem is null;
        if (problem is not null) Errors["lookup"] = problem;
        if (!MayLookUp) Response.StatusCode = StatusCodes.Status403Forbidden;
        Matches = matches;
        if (matches.Count > 0) Fill(matches[0].Applicant);
        return Page();
    }

    public async Task<IActionResult> OnPostPickAsync(CancellationToken ct)
    {
        if (!await MayRegisterAsync(ct)) return Refuse();
        ModelState.Clear();
        await LoadAsync(ct);
        var (matches, problem) = await ApplicantLookup.FindAsync(db, user, Lookup, HttpContext, audit, ct);
        Matches = matches;
        Searched = problem is null;
        if (problem is not null) Errors["lookup"] = problem;
        if (!MayLookUp) Response.StatusCode = StatusCodes.Status403Forbidden;
        if (Pick is { } i && i >= 0 && i < matches.Count) Fill(matches[i].Applicant);
        return Page();
    }

    /// <summary>Without JavaScript, choosing a category reloads the form with that category's topics; what was typed stays.</summary>
    public async Task<IActionResult> OnPostTopicsAsync(CancellationToken ct)
    {
        if (!await MayRegisterAsync(ct)) return Refuse();
        ModelState.Clear();
        await LoadAsync(ct);
        if (TopicId is { } t && Topics.All(x => x.Id != t || x.CategoryId != CategoryId)) TopicId = null;
        return Page();
    }

    /// <summary>The topic search of the form: the portal's search (word forms and the editors' synonyms), for js/topic-search.js.</summary>
    public async Task<IActionResult> OnGetTopicsAsync(string? q, CancellationToken ct) =>
        await MayRegisterAsync(ct) ? new JsonResult(await Search.TopicSearch.FindAsync(db, q, ct)) : StatusCode(StatusCodes.Status403Forbidden);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await MayRegisterAsync(ct)) return Refuse();
        ModelState.Clear();
        if (!Coordinates.TryParse(Latitude, out var lat)) Errors["latitude"] = "Широта — число, например 56.8389.";
        if (!Coordinates.TryParse(Longitude, out var lon)) Errors["longitude"] = "Долгота — число, например 60.6057.";
        if (!Channels.Contains(Channel)) Errors["channel"] = "Выберите канал поступления из списка.";
        if (ApplicantKind == ApplicantKind.Organisation && string.IsNullOrWhiteSpace(Inn)) Errors["applicant.inn"] = "Укажите ИНН организации.";
        await LoadAsync(ct);
        DateTime? receivedAtUtc = null;
        if (!string.IsNullOrWhiteSpace(ReceivedAt))
        {
            if (DateTime.TryParseExact(ReceivedAt.Trim(), ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd"], System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.None, out var local))
                receivedAtUtc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Zone);
            else Errors["receivedAtUtc"] = "Укажите дату и время поступления, например 22.11.2026 15:30.";
        }
        await StoreFilesAsync(ct);
        if (Errors.Count == 0)
        {
            var applicant = new ApplicantInfo
            {
                Kind = ApplicantKind, LastName = Blank(LastName), FirstName = Blank(FirstName), MiddleName = Blank(MiddleName),
                Email = Blank(Email), Phone = Blank(Phone), PostalAddress = Blank(PostalAddress),
                OrganisationName = ApplicantKind == ApplicantKind.Organisation ? Blank(OrganisationName) : null,
                Inn = ApplicantKind == ApplicantKind.Organisation ? Blank(Inn) : null,
                RepresentativeName = ApplicantKind == ApplicantKind.Organisation ? Blank(RepresentativeName) : null,
            };
            var request = new IntakeApi.SubmitRequest(Type, null, null, Channel, null, applicant, CategoryId, TopicId, null, Blank(Address),
                lat, lon, Text, false, false, KeptFiles.Count == 0 ? null : [.. KeptFiles], ReceivedAtUtc: receivedAtUtc);
            try
            {
                var submitted = await intake.RunAsync(request, IntakeActor.Operator(user.RequiredId), IdempotencyKey, ct);
                return Redirect($"/office/register/{submitted.AppealId}");
            }
            catch (InputException e)
            {
                db.ChangeTracker.Clear();
                foreach (var (field, messages) in e.Errors) Errors[field] = string.Join(" ", messages);
                if (e.Errors.ContainsKey("Idempotency-Key"))
                {
                    // This form was already used for another appeal (the operator came back and changed it): a new key makes a new one.
                    Error = "Эта форма уже использована для регистрации другого обращения. Проверьте данные и нажмите «Зарегистрировать» ещё раз.";
                    IdempotencyKey = Guid.NewGuid().ToString("N");
                }
            }
            catch (RuleException e)
            {
                db.ChangeTracker.Clear();
                Error = e.Message;
            }
        }
        Error ??= "Обращение не зарегистрировано: исправьте отмеченные поля.";
        await LoadKeptAsync(ct);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    void Fill(ApplicantInfo a)
    {
        ApplicantKind = a.Kind == ApplicantKind.Organisation ? ApplicantKind.Organisation : ApplicantKind.Person;
        (LastName, FirstName, MiddleName) = (a.LastName, a.FirstName, a.MiddleName);
        (Email, Phone, PostalAddress) = (a.Email, a.Phone, a.PostalAddress);
        (OrganisationName, Inn, RepresentativeName) = (a.OrganisationName, a.Inn, a.RepresentativeName);
    }

    async Task<bool> MayRegisterAsync(CancellationToken ct) =>
        (await user.RolesAsync(ct)).Any(r => r.Role is Role.Operator or Role.Administrator);

    IActionResult Refuse()
    {
        Refusal = "Регистрировать обращения с горячей линии и личного приёма может только оператор.";
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }

    /// <summary>Checks and stores the chosen files (unbound, uploaded by the operator); a refused post keeps them by id.</summary>
    async Task StoreFilesAsync(CancellationToken ct)
    {
        var chosen = Files.Where(f => f.Length > 0).ToList();
        if (KeptFiles.Count + chosen.Count > ContentSniffer.MaxPerAppeal)
        {
            Errors["attachmentIds"] = $"Не больше {ContentSniffer.MaxPerAppeal} файлов.";
            return;
        }
        var checkedFiles = new List<AttachmentsApi.CheckedFile>();
        foreach (var file in chosen)
        {
            try { checkedFiles.Add(await AttachmentsApi.CheckFileAsync(file, "attachmentIds", ct)); }
            catch (InputException e) { Errors["attachmentIds"] = string.Join(" ", e.Errors["attachmentIds"]); return; }
        }
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var file in checkedFiles)
            KeptFiles.Add((await AttachmentsApi.StoreAsync(file, db, files, user.RequiredId, now, null, AttachmentPurpose.Appeal, ct)).Id);
        if (checkedFiles.Count > 0) await db.SaveChangesAsync(ct);
    }

    async Task LoadKeptAsync(CancellationToken ct)
    {
        var me = user.RequiredId;
        Kept = [.. (await db.Attachments.AsNoTracking().Where(a => KeptFiles.Contains(a.Id) && a.UploadedById == me && a.AppealId == null)
            .Select(a => new { a.Id, a.FileName }).ToListAsync(ct)).Select(a => (a.Id, a.FileName))];
    }

    /// <summary>The operator's organisation's time zone: the received time is typed in it.</summary>
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    async Task LoadAsync(CancellationToken ct)
    {
        var operatorAt = (await user.RolesAsync(ct)).Where(r => r.Role is Role.Operator or Role.Administrator).Select(r => r.OrganisationId).FirstOrDefault();
        Zone = await ModerationScreens.ZoneOfAsync(db, operatorAt, ct);
        MayLookUp = await ApplicantLookup.MayLookUpAsync(db, user, ct);
        Categories = await ModerationScreens.CategoriesAsync(db, ct);
        Topics = await ModerationScreens.TopicsAsync(db, ct);
    }
}
