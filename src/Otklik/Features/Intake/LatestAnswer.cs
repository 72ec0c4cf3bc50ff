using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Moderation;
using Otklik.Features.Routing;

namespace Otklik.Features.Intake;

/// <summary>
/// The date told to the applicant at once, before registration: the answer deadline if the appeal is registered at the
/// very end of moderation with the executor the first routing would choose — the latest the applicant waits.
/// Once registered, the appeal's own due date.
/// </summary>
public static class LatestAnswer
{
    public static async Task<string> FormatAsync(AppDbContext db, DeadlineClocks clocks, Appeal appeal, TimeZoneInfo zone, CancellationToken ct)
    {
        if (appeal.AnswerDueDate is { } known) return known.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture);
        var executor = await FirstRouting.ChooseAsync(db, appeal.TopicId, appeal.TerritoryId, ct);
        var clock = await clocks.ForAsync(db, executor?.OrganisationId ?? appeal.OwnerOrganisationId, ct);
        var policy = clock.PolicyFor(DeadlineStage.Answer, appeal.Regime, appeal.Kind, appeal.TopicId, appeal.Priority == AppealPriority.High)
                     ?? DeadlinePolicy.Parse("calendar-days:30");
        var due = clock.Compute(policy, appeal.ModerationDueAtUtc);
        return due.DueDate?.ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture) ?? ModerationScreens.Local(due.EndUtc, zone);
    }
}
