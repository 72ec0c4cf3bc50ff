using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Deadlines;

/// <summary>One notice of the deadline watch as the outbox holds it.</summary>
public sealed record Notice(Guid AppealId, string Type, string Level, string Role, Guid OrganisationId, Guid? PersonId);

/// <summary>Runs the deadline watch by hand at a chosen moment and reads the notices it wrote.</summary>
public static class WatchChecks
{
    public static readonly string[] NoticeTypes = ["deadline.at_risk", "deadline.overdue", "deadline.escalated"];

    public static DateTime Utc(int year, int month, int day, int hour, int minute, int second = 0) =>
        new(year, month, day, hour, minute, second, DateTimeKind.Utc);

    /// <summary>Moves the app's clock to <paramref name="at"/> and runs one sweep there, in a scope of its own.</summary>
    public static async Task<DeadlineWatch.Result> SweepAsync(this TestApp app, DateTime at)
    {
        if (app.Clock.GetUtcNow().UtcDateTime < at) app.Clock.SetUtcNow(new DateTimeOffset(at));
        await using var scope = app.Services.CreateAsyncScope();
        return await DeadlineWatch.RunOnceAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(),
            scope.ServiceProvider.GetRequiredService<DeadlineClocks>(), at, TestContext.Current.CancellationToken);
    }

    /// <summary>Every deadline notice in the outbox (of one appeal, or of all).</summary>
    public static async Task<List<Notice>> NoticesAsync(this TestApp app, Guid? appealId = null)
    {
        var rows = await app.WithDbAsync(db => db.Outbox.AsNoTracking()
            .Where(m => NoticeTypes.Contains(m.Type) && (appealId == null || m.AppealId == appealId)).ToListAsync());
        // One sweep writes several notices with the same timestamp: within it, the levels' own order.
        return [.. rows.Select(m =>
        {
            var p = JsonDocument.Parse(m.Payload).RootElement;
            Assert.Equal(m.AppealId, p.GetProperty("appealId").GetGuid());
            return (m.CreatedAtUtc, Notice: new Notice(m.AppealId!.Value, m.Type, p.GetProperty("level").GetString()!, p.GetProperty("role").GetString()!,
                p.GetProperty("organisationId").GetGuid(),
                p.GetProperty("personId").ValueKind == JsonValueKind.Null ? null : p.GetProperty("personId").GetGuid()));
        }).OrderBy(x => x.CreatedAtUtc).ThenBy(x => x.Notice.AppealId).ThenBy(x => Rank(x.Notice.Level)).Select(x => x.Notice)];
    }

    static int Rank(string level) => Array.IndexOf(Levels, level);

    public static readonly string[] Levels = ["atRisk", "overdue", "escalatedToDispatcher", "escalatedToController", "escalatedToCentre"];

    /// <summary>The watch's own history events of an appeal, in order.</summary>
    public static async Task<List<EventKind>> WatchEventsAsync(this TestApp app, Guid appealId) =>
        [.. (await app.WithDbAsync(db => db.AppealEvents.AsNoTracking().Where(e => e.AppealId == appealId).OrderBy(e => e.Sequence).ToListAsync()))
            .Select(e => e.Kind).Where(k => k is EventKind.DeadlineAtRisk or EventKind.DeadlineMissed or EventKind.Escalated)];
}
