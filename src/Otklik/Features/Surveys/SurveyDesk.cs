using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Features.Surveys;

/// <summary>
/// Accepting answers (from the public page, a personal link, a reception desk's link and a paper questionnaire keyed in)
/// and inviting applicants after their appeal: the orchestration the public page, the office and the mail share.
/// </summary>
public static class SurveyDesk
{
    /// <summary>Where a questionnaire came from and who (if anyone) it may name.</summary>
    public sealed record Origin(SurveyChannel Channel, Guid? OrganisationId = null, Guid? TerritoryId = null, Guid? PersonId = null,
        Guid? EnteredBy = null, SurveyInvitation? Invitation = null, DateOnly? On = null);

    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    public static async Task<(IReadOnlySet<string> Municipalities, IReadOnlySet<string> Organisations)> DirectoryAsync(AppDbContext db, CancellationToken ct) =>
        ((await db.Territories.AsNoTracking().Select(t => t.Id).ToListAsync(ct)).Select(i => i.ToString()).ToHashSet(),
         (await db.Organisations.AsNoTracking().Select(o => o.Id).ToListAsync(ct)).Select(i => i.ToString()).ToHashSet());

    /// <summary>
    /// One questionnaire accepted, or an <see cref="InputException"/> (422) naming each wrong answer by its paper number,
    /// or a <see cref="RuleException"/> when the link or the person has already answered. Nothing is saved on a refusal.
    /// </summary>
    public static async Task<SurveyResponse> SubmitAsync(AppDbContext db, Survey survey, IReadOnlyDictionary<string, string[]> given, Origin origin,
        DateTime nowUtc, CancellationToken ct)
    {
        var version = survey.Versions.SingleOrDefault(v => v.Number == survey.CurrentVersion && v.PublishedAtUtc is not null)
            ?? throw new RuleException("survey.not_published", "Опрос ещё не опубликован.");
        var form = version.Form;
        var (municipalities, organisations) = await DirectoryAsync(db, ct);
        // What the form fills automatically (the organisation of the link or of the appeal) is taken from the origin, not typed.
        var merged = new Dictionary<string, string[]>(given, StringComparer.Ordinal);
        foreach (var q in form.Questions.Where(q => q.AutoFilled))
        {
            if (q.Kind == QuestionKind.Organisation && origin.OrganisationId is { } org) merged[q.Paper] = [org.ToString()];
            if (q.Kind == QuestionKind.Municipality && origin.TerritoryId is { } t && !HasValue(given, q.Paper)) merged[q.Paper] = [t.ToString()];
        }
        var (answers, errors) = form.Check(merged, municipalities, organisations);
        if (errors.Count > 0)
            throw new InputException(errors, "survey.invalid_answers", errors.Count == 1 ? errors.First().Value[0] : $"Проверьте ответы: ошибок — {errors.Count}.",
                StatusCodes.Status422UnprocessableEntity);

        var today = origin.On ?? DateOnly.FromDateTime(nowUtc);
        if (origin.Invitation is { } invitation)
        {
            if (invitation.Used) throw new RuleException("survey.already_answered", "По этой ссылке на опрос уже ответили. Спасибо!");
            invitation.Used = true;
        }
        if (origin.PersonId is { } person && origin.Channel != SurveyChannel.Paper)
        {
            var since = today.AddDays(-survey.RepeatDays);
            if (await db.SurveyParticipations.AnyAsync(p => p.SurveyId == survey.Id && p.PersonId == person && p.AnsweredOn > since, ct))
                throw new RuleException("survey.already_answered", "Вы уже ответили на этот опрос. Спасибо!");
            db.SurveyParticipations.Add(new SurveyParticipation { Id = Guid.CreateVersion7(), SurveyId = survey.Id, PersonId = person, AnsweredOn = today });
        }

        var organisation = Directory(form, answers, QuestionKind.Organisation) ?? origin.OrganisationId ?? origin.Invitation?.OrganisationId;
        var territory = Directory(form, answers, QuestionKind.Municipality) ?? origin.TerritoryId;
        var response = new SurveyResponse
        {
            Id = Guid.CreateVersion7(), SurveyId = survey.Id, VersionNumber = version.Number, Channel = origin.Channel,
            OrganisationId = organisation, TerritoryId = territory, SubmittedOn = today,
            SubmittedAtUtc = survey.IsAnonymous ? null : nowUtc,
            PersonId = survey.IsAnonymous ? null : origin.PersonId,
            EnteredByPersonId = origin.EnteredBy,
        };
        response.Answers.AddRange(answers.Select(a => new SurveyAnswer { ResponseId = response.Id, SurveyId = survey.Id, Key = a.Key, Value = a.Value }));
        db.SurveyResponses.Add(response);
        await db.SaveChangesAsync(ct);
        return response;
    }

    static bool HasValue(IReadOnlyDictionary<string, string[]> given, string key) => given.TryGetValue(key, out var v) && v.Any(x => !string.IsNullOrWhiteSpace(x));

    static Guid? Directory(SurveyForm form, List<KeyValuePair<string, string>> answers, QuestionKind kind) =>
        form.Questions.FirstOrDefault(q => q.Kind == kind) is { } q && answers.FirstOrDefault(a => a.Key == q.Paper).Value is { } v && Guid.TryParse(v, out var id) ? id : null;

    /// <summary>
    /// The survey link for an answered appeal's applicant: the invitation made for this appeal, else a new one unless the
    /// applicant was invited within the survey's period (asked once per period, however many appeals they write).
    /// Null when no survey follows appeals, or when the applicant was asked recently. Saves a new invitation at once,
    /// so the letter and /my show the same link, and a letter composed again after a failed send shows it too.
    /// </summary>
    public static async Task<SurveyInvitation?> InvitationForAsync(AppDbContext db, Appeal appeal, DateTime nowUtc, CancellationToken ct)
    {
        var survey = await db.Surveys.AsNoTracking().Where(s => s.AfterAppeal && s.CurrentVersion > 0).OrderBy(s => s.CreatedAtUtc).FirstOrDefaultAsync(ct);
        if (survey is null) return null;
        if (await db.SurveyInvitations.FirstOrDefaultAsync(i => i.SurveyId == survey.Id && i.AppealId == appeal.Id, ct) is { } existing) return existing;
        var key = appeal.ApplicantUserId?.ToString() ?? appeal.Applicant.Email?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(key)) return null;
        var since = nowUtc.AddDays(-survey.RepeatDays);
        if (await db.SurveyInvitations.AnyAsync(i => i.SurveyId == survey.Id && i.ApplicantKey == key && i.CreatedAtUtc > since, ct)) return null;
        var invitation = new SurveyInvitation
        {
            Id = Guid.CreateVersion7(), SurveyId = survey.Id, Token = NewToken(), ApplicantKey = key, AppealId = appeal.Id,
            OrganisationId = appeal.ExecutorOrganisationId ?? appeal.OwnerOrganisationId, CreatedAtUtc = nowUtc,
        };
        db.SurveyInvitations.Add(invitation);
        await db.SaveChangesAsync(ct);
        return invitation;
    }

    public static string PathOf(SurveyInvitation i) => $"/survey/i/{i.Token}";
    public static string PathOf(SurveyLink l) => $"/survey/l/{l.Token}";
}
