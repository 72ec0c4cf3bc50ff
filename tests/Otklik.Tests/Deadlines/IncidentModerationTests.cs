using Microsoft.EntityFrameworkCore;
using Otklik.Features.Appeals;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Deadlines;

/// <summary>
/// Issue 16 item 3: the moderation time of each regime comes from the deadline rules. A social-network incident
/// (answered within 24 hours, or 4 when important) is moderated within an hour, around the clock — not the 48 hours of
/// other appeals before its own clock starts.
/// </summary>
public sealed class IncidentModerationTests(AppPool pool) : IClassFixture<AppPool>
{
    static Dictionary<string, object?> Incident(TestRegion r, string message, string priority) => Samples.Pothole(r)
        .With("channel", "socialNetwork").With("channelMessageId", message).With("regime", "socialIncident").With("priority", priority)
        .With("applicant", new Dictionary<string, object?> { ["kind"] = "anonymous" }).With("isPublic", false).With("publicationConsent", false);

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_social_network_incident_is_due_from_moderation_within_an_hour_at_night_too_and_other_appeals_keep_48_hours(Engine engine)
    {
        var app = await pool.For(engine);
        // Saturday, 23:30 in Yekaterinburg: no working hours count for this regime.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 28, 18, 30, 0, TimeSpan.Zero));
        var normal = await app.SubmitAsync(Incident(app.Region, $"vk-{Guid.NewGuid():N}", "normal"), Persona.CentreOperator);
        var high = await app.SubmitAsync(Incident(app.Region, $"vk-{Guid.NewGuid():N}", "high"), Persona.CentreOperator);
        var pothole = await app.SubmitAsync(Samples.Pothole(app.Region));

        var stored = await app.WithDbAsync(db => db.Appeals.AsNoTracking().Where(a => a.Id == normal.Id || a.Id == high.Id || a.Id == pothole.Id)
            .ToDictionaryAsync(a => a.Id, a => (a.ReceivedAtUtc, a.ModerationDueAtUtc, a.DueAtUtc)));
        foreach (var incident in new[] { normal.Id, high.Id })
        {
            var (received, moderationDue, due) = stored[incident];
            Assert.Equal((received.AddHours(1), received.AddHours(1)), (moderationDue, due));
        }
        Assert.Equal(stored[pothole.Id].ReceivedAtUtc.AddHours(48), stored[pothole.Id].ModerationDueAtUtc);
    }
}
