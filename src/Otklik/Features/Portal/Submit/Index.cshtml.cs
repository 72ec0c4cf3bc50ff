using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Features.Intake;
using Otklik.Features.Moderation;
using Otklik.Features.Routing;
using Otklik.Infrastructure;

namespace Otklik.Features.Portal.Submit;

/// <summary>
/// A person submits an appeal in steps; a visitor who is not signed in fills in the same steps and then gives a name and
/// an e-mail (59-ФЗ needs no more): the appeal is kept as a <see cref="PendingAppeal"/> and sent when the link in the
/// letter confirms the address (<see cref="ConfirmModel"/>), the account being made on the way.
/// A signed-in person submits an appeal in steps (one form: without JavaScript every step shows at once). The submission
/// is the API's own (<see cref="SubmitAppeal"/>): the same checks, numbering and idempotency key, so a form
/// sent twice — a double click, or a draft sent again when the network returns — makes one appeal.
/// </summary>
// The limit per person (per address for visitors, who send nothing until they confirm by e-mail) is the guard; the
// form-time check of BotCheck would refuse a draft that the device resends the moment the page opens again after being offline.
[AllowAnonymous, EnableRateLimiting(Accounts.PortalAccounts.SubmitPolicy)]
[RequestSizeLimit(MaxPhotos * ContentSniffer.MaxPhotoBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxPhotos * ContentSniffer.MaxPhotoBytes + 1024 * 1024)]
public sealed class IndexModel(AppDbContext db, CurrentUser user, TerritoryLocator locator, TimeProvider clock, SubmitAppeal intake, IFileStore files,
    UserManager<Person> users)
    : PageModel
{
    public const int MaxPhotos = 5;

    [BindProperty] public string? IdempotencyKey { get; set; }
    [BindProperty] public AppealType? Type { get; set; }
    [BindProperty] public Guid? CategoryId { get; set; }
    [BindProperty] public Guid? TopicId { get; set; }
    [BindProperty] public string? Address { get; set; }
    [BindProperty] public string? Latitude { get; set; }
    [BindProperty] public string? Longitude { get; set; }
    [BindProperty] public string? Text { get; set; }
    [BindProperty] public List<IFormFile> Photos { get; set; } = [];
    /// <summary>Photos stored by an earlier try of this form that was refused for another field: they stay with it.</summary>
    [BindProperty] public List<Guid> KeptPhotos { get; set; } = [];
    [BindProperty] public bool Consent { get; set; }
    // A visitor's contact step: what 59-ФЗ asks of an applicant who writes electronically.
    [BindProperty] public string? ContactLastName { get; set; }
    [BindProperty] public string? ContactFirstName { get; set; }
    [BindProperty] public string? ContactMiddleName { get; set; }
    [BindProperty] public string? ContactEmail { get; set; }
    [BindProperty] public bool PersonalDataConsent { get; set; }

    /// <summary>Set when a visitor's appeal was kept: the page says where the letter went.</summary>
    public string? PendingSentTo { get; private set; }
    public bool Anonymous => !user.IsAuthenticated;

    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public IReadOnlyList<ModerationScreens.TopicOption> Topics { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Kept { get; private set; } = [];
    public Place? Route { get; private set; }
    public Dictionary<string, string> Errors { get; } = [];
    public string? Error { get; private set; }
    /// <summary>A form shown for the first time (not a refused post): the device may put its saved draft into it.</summary>
    public bool Fresh { get; private set; }

    public string? ErrorFor(params string[] fields) => fields.Select(f => Errors.GetValueOrDefault(f)).FirstOrDefault(e => e is not null);

    public sealed record Place(string? Territory, string? Organisation, string? Why, string? Problem);

    /// <summary>«Подать заново» from a rejected appeal of the person's own: the form comes filled with it.</summary>
    [BindProperty(SupportsGet = true)] public string? Again { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        IdempotencyKey = Guid.NewGuid().ToString("N");
        Fresh = true;
        if (user.Id is { } me && !string.IsNullOrEmpty(Again)
            && await db.Appeals.AsNoTracking().SingleOrDefaultAsync(a => a.Number == Again && a.ApplicantUserId == me && a.Status == AppealStatus.Rejected, ct) is { } old)
        {
            (Type, CategoryId, TopicId, Address, Text, Consent) = (old.Type, old.CategoryId, old.TopicId, old.Address, old.Text, old.PublicationConsent);
            Latitude = old.Latitude?.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Longitude = old.Longitude?.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // Not a fresh form: the device's saved draft does not replace what is filled in here.
            Fresh = false;
        }
        await LoadAsync(ct);
    }

    /// <summary>The topic search of the form: topics by word forms and the editors' synonyms («яма», «капремонт»).</summary>
    public async Task<IActionResult> OnGetTopicsAsync(string? q, CancellationToken ct) =>
        new JsonResult((await Search.TopicSearch.FindAsync(db, q, ct)).Select(t => t.Id));

    /// <summary>Where a point lies and who would answer: the territory and the executor the first routing proposes.</summary>
    public async Task<IActionResult> OnGetRouteAsync(string? latitude, string? longitude, Guid? topicId, CancellationToken ct)
    {
        if (!Coordinates.TryParse(latitude, out var lat) || !Coordinates.TryParse(longitude, out var lon) || lat is null || lon is null)
            return new JsonResult(new Place(null, null, null, "Укажите точку на карте или введите широту и долготу.")) { StatusCode = 422 };
        return new JsonResult(await PlaceAsync(lat.Value, lon.Value, topicId, ct));
    }

    async Task<Place> PlaceAsync(double lat, double lon, Guid? topicId, CancellationToken ct)
    {
        var e = new InputErrors();
        SubmitRules.CheckLocation(e, lat, lon);
        if (e.Any) return new(null, null, null, "Такой точки нет: широта — от −90 до 90, долгота — от −180 до 180.");
        var territoryId = await locator.LocateAsync(lat, lon, ct);
        if (territoryId is null) return new(null, null, null, "Точка на карте не попадает ни в одну территорию региона.");
        var territory = await db.Territories.AsNoTracking().Where(t => t.Id == territoryId).Select(t => t.Name).SingleAsync(ct);
        var choice = await FirstRouting.ChooseAsync(db, topicId, territoryId, ct);
        var organisation = choice is null ? null : await db.Organisations.AsNoTracking().Where(o => o.Id == choice.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        return new(territory, organisation, choice?.Why, null);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        ModelState.Clear();
        var me = user.Id;
        // A draft sent again (the network came back, a second click) finds the appeal it already made, before its photos
        // are stored a second time under new ids.
        if (me is not null && !string.IsNullOrEmpty(IdempotencyKey) && await MineByKeyAsync(IdempotencyKey, ct) is { } made) return Sent(made);

        if (Type is null || !Enum.IsDefined(Type.Value)) Errors["type"] = "Выберите тип обращения.";
        if (CategoryId is null) Errors["categoryId"] = "Выберите категорию.";
        if (TopicId is null) Errors["topicId"] = "Выберите тему обращения.";
        if (!Coordinates.TryParse(Latitude, out var lat)) Errors["latitude"] = "Широта — число, например 56.8389.";
        if (!Coordinates.TryParse(Longitude, out var lon)) Errors["longitude"] = "Долгота — число, например 60.6057.";
        var textErrors = new InputErrors();
        SubmitRules.CheckText(textErrors, "text", Text);
        try { textErrors.ThrowIfAny(); }
        catch (InputException e) { Errors["text"] = string.Join(" ", e.Errors["text"]); }
        if (lat is { } la && lon is { } lo)
        {
            Route = await PlaceAsync(la, lo, TopicId, ct);
            if (Route.Problem is { } problem) Errors["latitude"] = problem;
        }
        else if (lat is null != lon is null && !Errors.ContainsKey("latitude") && !Errors.ContainsKey("longitude")) Errors[lat is null ? "latitude" : "longitude"] = "Укажите обе координаты точки или выберите точку на карте.";
        if (me is null) return await KeepPendingAsync(lat, lon, ct);
        await StorePhotosAsync(me.Value, ct);

        if (Errors.Count == 0)
        {
            var person = await db.Users.AsNoTracking().SingleAsync(p => p.Id == me, ct);
            try
            {
                return Sent(await SendAsync(person, new PendingForm(Type!.Value, CategoryId!.Value, TopicId!.Value, Blank(Address), lat, lon, Text!, Consent, KeptPhotos),
                    IdempotencyKey, db, intake, ct));
            }
            catch (InputException e)
            {
                db.ChangeTracker.Clear();
                if (e.Errors.ContainsKey("Idempotency-Key"))
                {
                    // A twin of this very form won the race (its photos got other ids, so its request differs): that is the appeal.
                    if (await MineByKeyAsync(IdempotencyKey!, ct) is { } twin) return Sent(twin);
                    Error = "Эта форма уже использована для другого обращения. Проверьте данные и отправьте ещё раз.";
                    IdempotencyKey = Guid.NewGuid().ToString("N");
                }
                foreach (var (field, messages) in e.Errors) Errors[Field(field)] = string.Join(" ", messages);
            }
            catch (RuleException e)
            {
                db.ChangeTracker.Clear();
                Error = e.Message;
            }
        }
        Error ??= "Обращение не отправлено: исправьте отмеченные поля.";
        await LoadAsync(ct);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    /// <summary>
    /// Sends a filled form as <paramref name="person"/>'s appeal through the API's own intake: the one place the portal's
    /// form (signed in now, or confirmed later by e-mail) becomes an appeal. Returns its number.
    /// </summary>
    internal static async Task<string> SendAsync(Person person, PendingForm form, string? idempotencyKey, AppDbContext db, SubmitAppeal intake,
        CancellationToken ct)
    {
        var applicant = new ApplicantInfo
        {
            Kind = ApplicantKind.Person, LastName = Blank(person.LastName), FirstName = Blank(person.FirstName), MiddleName = Blank(person.MiddleName),
            Email = Blank(person.Email), Phone = Blank(person.PhoneNumber),
        };
        var request = new IntakeApi.SubmitRequest(form.Type, null, null, Channel.Portal, null, applicant, form.CategoryId, form.TopicId, null, form.Address,
            form.Latitude, form.Longitude, form.Text, form.Consent, form.Consent, form.Photos.Count == 0 ? null : [.. form.Photos]);
        var submitted = await intake.RunAsync(request, IntakeActor.Person(person.Id), idempotencyKey, ct);
        return submitted.Written?.Number ?? await db.Appeals.AsNoTracking().Where(a => a.Id == submitted.AppealId).Select(a => a.Number).SingleAsync(ct);
    }

    /// <summary>
    /// A visitor's filled form with a name and an e-mail: kept on the server for the account of that e-mail (made now if
    /// there is none) until the link in the letter confirms it. The page answers alike whether the address was known.
    /// </summary>
    async Task<IActionResult> KeepPendingAsync(double? lat, double? lon, CancellationToken ct)
    {
        if (Blank(ContactLastName) is null) Errors["contactLastName"] = "Укажите фамилию.";
        else if (ContactLastName!.Trim().Length > 100) Errors["contactLastName"] = "Не длиннее 100 символов.";
        if (Blank(ContactFirstName) is null) Errors["contactFirstName"] = "Укажите имя.";
        else if (ContactFirstName!.Trim().Length > 100) Errors["contactFirstName"] = "Не длиннее 100 символов.";
        if (Blank(ContactMiddleName) is { Length: > 100 }) Errors["contactMiddleName"] = "Не длиннее 100 символов.";
        if (Blank(ContactEmail) is not { } email) Errors["contactEmail"] = "Укажите адрес электронной почты: на него придёт ссылка для отправки и ответ.";
        else if (!Accounts.PortalAccounts.IsEmail(email)) Errors["contactEmail"] = "Неверный адрес электронной почты.";
        if (!PersonalDataConsent) Errors["personalDataConsent"] = "Без согласия на обработку персональных данных обращение отправить нельзя.";
        if (Errors.Count > 0) return await RefusedAsync(ct);

        var now = clock.GetUtcNow().UtcDateTime;
        var address = ContactEmail!.Trim();
        var person = await users.FindByEmailAsync(address);
        if (person is null)
        {
            person = new Person
            {
                Id = Guid.CreateVersion7(), UserName = address, Email = address, EmailConfirmed = false,
                LastName = ContactLastName!.Trim(), FirstName = ContactFirstName!.Trim(), MiddleName = Blank(ContactMiddleName),
                PublicationConsent = Consent, CreatedAtUtc = now,
                Roles = [new RoleAssignment { Id = Guid.CreateVersion7(), Role = Role.Applicant }],
            };
            var created = await users.CreateAsync(person);
            if (!created.Succeeded)
            {
                // A twin of this form made the account a moment ago: it is the one to keep the appeal for.
                person = await users.FindByEmailAsync(address);
                if (person is null) { Errors["contactEmail"] = "Не удалось сохранить адрес. Проверьте его и отправьте ещё раз."; return await RefusedAsync(ct); }
            }
        }
        await StorePhotosAsync(person.Id, ct);
        if (Errors.Count > 0) return await RefusedAsync(ct);

        var form = new PendingForm(Type!.Value, CategoryId!.Value, TopicId!.Value, Blank(Address), lat, lon, Text!.Trim(), Consent, KeptPhotos);
        var (pending, token) = PendingAppeal.Create(person.Id, form, string.IsNullOrEmpty(IdempotencyKey) ? Guid.NewGuid().ToString("N") : IdempotencyKey, now);
        db.PendingAppeals.Add(pending);
        await db.SaveChangesAsync(ct);
        await Accounts.PortalAccounts.QueuePendingAppealAsync(HttpContext, db, person, pending.Id, token, ct);
        PendingSentTo = address;
        return Page();
    }

    async Task<IActionResult> RefusedAsync(CancellationToken ct)
    {
        Error ??= "Обращение не отправлено: исправьте отмеченные поля.";
        await LoadAsync(ct);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    /// <summary>The intake's field names, as the steps of this form show them.</summary>
    static string Field(string apiField) => apiField switch
    {
        "kind" or "regime" => "topicId",
        "territoryId" => "latitude",
        "attachmentIds" => "photos",
        "publicationConsent" => "consent",
        var f when f.StartsWith("applicant", StringComparison.Ordinal) => "applicant",
        var f => f,
    };

    /// <summary>Checks and stores the chosen photos (images only); stored ones stay with the form even if another field is refused.</summary>
    async Task StorePhotosAsync(Guid me, CancellationToken ct)
    {
        var chosen = Photos.Where(p => p.Length > 0).ToList();
        KeptPhotos = await db.Attachments.AsNoTracking()
            .Where(a => KeptPhotos.Contains(a.Id) && a.UploadedById == me && a.AppealId == null).Select(a => a.Id).ToListAsync(ct);
        if (chosen.Count + KeptPhotos.Count > MaxPhotos) { Errors["photos"] = $"Не больше {MaxPhotos} фотографий."; return; }
        var checkedFiles = new List<AttachmentsApi.CheckedFile>();
        foreach (var photo in chosen)
        {
            try
            {
                var file = await AttachmentsApi.CheckFileAsync(photo, "photos", ct);
                if (file.Kind != AttachmentKind.Photo) { Errors["photos"] = $"Файл «{file.FileName}» — не фотография: прикрепите JPEG, PNG, WebP или HEIC."; return; }
                checkedFiles.Add(file);
            }
            catch (InputException e)
            {
                Errors["photos"] = e.Message;
                return;
            }
        }
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var file in checkedFiles)
            KeptPhotos.Add((await AttachmentsApi.StoreAsync(file, db, files, me, now, null, AttachmentPurpose.Appeal, ct)).Id);
        if (checkedFiles.Count > 0) await db.SaveChangesAsync(ct);
    }

    async Task<string?> MineByKeyAsync(string key, CancellationToken ct)
    {
        var me = user.RequiredId;
        return await db.Appeals.AsNoTracking().Where(a => a.IdempotencyKey == key && a.ApplicantUserId == me).Select(a => a.Number).FirstOrDefaultAsync(ct);
    }

    RedirectResult Sent(string number) => Redirect($"/my/{number}?sent=true");

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    async Task LoadAsync(CancellationToken ct)
    {
        Categories = await ModerationScreens.CategoriesAsync(db, ct);
        Topics = await ModerationScreens.TopicsAsync(db, ct);
        var me = user.Id;
        Kept = KeptPhotos.Count == 0 || me is null ? [] : (await db.Attachments.AsNoTracking().Where(a => KeptPhotos.Contains(a.Id) && a.UploadedById == me)
            .Select(a => new { a.Id, a.FileName }).ToListAsync(ct)).Select(a => (a.Id, a.FileName)).ToList();
    }
}
