using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
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
public sealed class RegisterModel(AppDbContext db, CurrentUser user, SubmitAppeal intake, Audit.AuditTrail audit) : PageModel
{
    public static readonly Channel[] Channels = [Channel.Hotline, Channel.Meeting];

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

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await MayRegisterAsync(ct)) return Refuse();
        ModelState.Clear();
        if (!Coordinates.TryParse(Latitude, out var lat)) Errors["latitude"] = "Широта — число, например 56.8389.";
        if (!Coordinates.TryParse(Longitude, out var lon)) Errors["longitude"] = "Долгота — число, например 60.6057.";
        if (!Channels.Contains(Channel)) Errors["channel"] = "Выберите канал: горячая линия или личный приём.";
        if (ApplicantKind == ApplicantKind.Organisation && string.IsNullOrWhiteSpace(Inn)) Errors["applicant.inn"] = "Укажите ИНН организации.";
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
                lat, lon, Text, false, false, null);
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
        await LoadAsync(ct);
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

    async Task LoadAsync(CancellationToken ct)
    {
        MayLookUp = await ApplicantLookup.MayLookUpAsync(db, user, ct);
        Categories = await ModerationScreens.CategoriesAsync(db, ct);
        Topics = await ModerationScreens.TopicsAsync(db, ct);
    }
}
