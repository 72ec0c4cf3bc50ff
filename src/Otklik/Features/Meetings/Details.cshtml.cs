using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Intake;
using Otklik.Features.Moderation;
using Otklik.Infrastructure;

namespace Otklik.Features.Meetings;

/// <summary>
/// One meeting with business: its participants (officials and entrepreneurs with contacts, added one by one), and its
/// questions — each raised question is submitted through <see cref="SubmitAppeal"/> as the operator's entry on the
/// «Встреча с бизнесом» channel, with the entrepreneur who raised it as the applicant, and linked to the meeting in the
/// same transaction. The list shows each question's appeal, status and due date. The form's idempotency key makes a
/// double click one appeal.
/// </summary>
[Authorize]
public sealed class DetailsModel(AppDbContext db, CurrentUser user, SubmitAppeal intake, TimeProvider clock) : PageModel
{
    public sealed record Question(Guid AppealId, string Number, AppealStatus Status, DateOnly? DueDate, string Excerpt, string? RaisedBy);

    [FromRoute] public Guid Id { get; set; }
    [BindProperty(SupportsGet = true)] public string? Done { get; set; }

    public Meeting? Meeting { get; private set; }
    public string? Organiser { get; private set; }
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    public IReadOnlyList<MeetingParticipant> Participants { get; private set; } = [];
    public IReadOnlyList<Question> Questions { get; private set; } = [];
    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public IReadOnlyList<ModerationScreens.TopicOption> Topics { get; private set; } = [];
    public Dictionary<string, string> Errors { get; } = [];
    public string? Error { get; private set; }

    // A participant.
    [BindProperty] public ParticipantSide Side { get; set; } = ParticipantSide.Business;
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Position { get; set; }
    [BindProperty] public string? OrganisationName { get; set; }
    [BindProperty] public string? Inn { get; set; }
    [BindProperty] public string? Phone { get; set; }
    [BindProperty] public string? Email { get; set; }

    // A question.
    [BindProperty] public string? IdempotencyKey { get; set; }
    [BindProperty] public Guid? ParticipantId { get; set; }
    [BindProperty] public AppealType Type { get; set; } = AppealType.Question;
    [BindProperty] public Guid? CategoryId { get; set; }
    [BindProperty] public Guid? TopicId { get; set; }
    [BindProperty] public string? Text { get; set; }

    public string? ErrorFor(params string[] fields) => fields.Select(f => Errors.GetValueOrDefault(f)).FirstOrDefault(e => e is not null);

    public string Local(DateTime utc) => MeetingAccess.Local(utc, Zone);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused) return refused;
        IdempotencyKey = Guid.NewGuid().ToString("N");
        return Page();
    }

    public async Task<IActionResult> OnPostParticipantAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused) return refused;
        ModelState.Clear();
        IdempotencyKey = Guid.NewGuid().ToString("N");
        var name = Blank(Name);
        if (name is null) Errors["name"] = "Укажите фамилию и имя участника.";
        else if (name.Length > 200) Errors["name"] = "Не длиннее 200 знаков.";
        if (Blank(Inn) is { } inn && !SubmitRules.IsValidInn(inn)) Errors["inn"] = "Неверный ИНН: 10 цифр у организации, 12 у предпринимателя.";
        if (Blank(Email) is { } email && !System.Net.Mail.MailAddress.TryCreate(email, out _)) Errors["email"] = "Неверный адрес почты.";
        if (Blank(Phone) is { } phone && Telephony.TelephonyApi.Digits(phone) is null) Errors["phone"] = "Телефон — 10 цифр, можно с +7 или 8.";
        if (Side == ParticipantSide.Business && Blank(Phone) is null && Blank(Email) is null)
            Errors["phone"] = "Укажите телефон или почту предпринимателя: по ним ему ответят.";
        if (Blank(Position)?.Length > 200 || Blank(OrganisationName)?.Length > 300) Errors["organisationName"] = "Слишком длинное название или должность.";
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        db.MeetingParticipants.Add(new MeetingParticipant
        {
            Id = Guid.CreateVersion7(), MeetingId = Id, Side = Side, Name = name!, Position = Blank(Position), OrganisationName = Blank(OrganisationName),
            Inn = Blank(Inn), Phone = Blank(Phone), Email = Blank(Email),
        });
        await db.SaveChangesAsync(ct);
        return Redirect($"/office/meetings/{Id}?done=" + Uri.EscapeDataString($"Участник «{name}» добавлен."));
    }

    public async Task<IActionResult> OnPostQuestionAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused) return refused;
        ModelState.Clear();
        var who = Participants.FirstOrDefault(p => p.Id == ParticipantId && p.Side == ParticipantSide.Business);
        if (who is null) Errors["participantId"] = "Выберите предпринимателя, который задал вопрос (сначала добавьте его в участники).";
        if (Errors.Count == 0)
        {
            var applicant = who!.OrganisationName is { } company
                ? new ApplicantInfo { Kind = ApplicantKind.Organisation, OrganisationName = company, Inn = who.Inn, RepresentativeName = who.Name, Phone = who.Phone, Email = who.Email }
                : Person(who);
            // Without a topic (which brings its own), a meeting's question is a business consultation: answered by phone
            // or e-mail, its clock by kind — a question a complex consultation, anything else a task.
            var (kind, regime) = TopicId is null
                ? (Type == AppealType.Question ? AppealKind.ComplexConsultation : AppealKind.Task, (LegalRegime?)LegalRegime.BusinessConsultation)
                : ((AppealKind?)null, (LegalRegime?)null);
            var request = new IntakeApi.SubmitRequest(Type, kind, regime, Channel.BusinessMeeting, null, applicant, CategoryId, TopicId, null, null, null, null,
                Text, false, false, null, ReceivedAtUtc: Meeting!.HeldAtUtc < clock.GetUtcNow().UtcDateTime ? Meeting.HeldAtUtc : null);
            try
            {
                var meetingId = Id;
                var submitted = await intake.RunAsync(request, IntakeActor.Operator(user.RequiredId), IdempotencyKey, ct, (appeal, at, writer) =>
                    writer.Add(new MeetingQuestion { AppealId = appeal.Id, MeetingId = meetingId, ParticipantId = who.Id, AddedAtUtc = at }));
                var number = await db.Appeals.AsNoTracking().Where(a => a.Id == submitted.AppealId).Select(a => a.Number).SingleAsync(ct);
                return Redirect($"/office/meetings/{Id}?done=" + Uri.EscapeDataString($"Вопрос зарегистрирован как обращение № {number}."));
            }
            catch (InputException e)
            {
                db.ChangeTracker.Clear();
                foreach (var (field, messages) in e.Errors) Errors[field] = string.Join(" ", messages);
                if (e.Errors.ContainsKey("Idempotency-Key"))
                {
                    Error = "Эта форма уже использована для другого вопроса. Проверьте данные и нажмите «Зарегистрировать вопрос» ещё раз.";
                    IdempotencyKey = Guid.NewGuid().ToString("N");
                }
            }
            catch (RuleException e)
            {
                db.ChangeTracker.Clear();
                Error = e.Message;
            }
        }
        Error ??= "Вопрос не зарегистрирован: исправьте отмеченные поля.";
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    /// <summary>An entrepreneur without a company: "Фамилия Имя Отчество" as the applicant's name.</summary>
    static ApplicantInfo Person(MeetingParticipant p)
    {
        var parts = p.Name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new ApplicantInfo
        {
            Kind = ApplicantKind.Person, LastName = parts[0], FirstName = parts.Length > 1 ? parts[1] : parts[0], MiddleName = parts.Length > 2 ? string.Join(' ', parts[2..]) : null,
            Inn = p.Inn, Phone = p.Phone, Email = p.Email,
        };
    }

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>The meeting, if the person keeps meetings of its organiser (else 404: its existence is not revealed).</summary>
    async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (!await MeetingAccess.MayKeepAsync(user, ct)) return Forbid();
        var scope = await MeetingAccess.ScopeAsync(user, ct);
        Meeting = await db.Meetings.AsNoTracking().SingleOrDefaultAsync(m => m.Id == Id && scope.Contains(m.OrganiserOrganisationId), ct);
        if (Meeting is null) return NotFound();
        Organiser = await db.Organisations.AsNoTracking().Where(o => o.Id == Meeting.OrganiserOrganisationId).Select(o => o.Name).SingleAsync(ct);
        Zone = await MeetingAccess.ZoneAsync(db, Meeting.OrganiserOrganisationId, ct);
        Participants = await db.MeetingParticipants.AsNoTracking().Where(p => p.MeetingId == Id).OrderBy(p => p.Side).ThenBy(p => p.Name).ToListAsync(ct);
        var rows = await db.MeetingQuestions.AsNoTracking().Where(q => q.MeetingId == Id).OrderBy(q => q.AddedAtUtc)
            .Join(db.Appeals, q => q.AppealId, a => a.Id, (q, a) => new { a.Id, a.Number, a.Status, a.AnswerDueDate, a.Text, q.ParticipantId })
            .ToListAsync(ct);
        Questions = [.. rows.Select(r => new Question(r.Id, r.Number, r.Status, r.AnswerDueDate, ModerationScreens.Excerpt(r.Text, 160),
            Participants.FirstOrDefault(p => p.Id == r.ParticipantId) is { } p ? p.OrganisationName is { } c ? $"{p.Name} ({c})" : p.Name : null))];
        Categories = await ModerationScreens.CategoriesAsync(db, ct);
        Topics = await ModerationScreens.TopicsAsync(db, ct);
        return null;
    }
}
