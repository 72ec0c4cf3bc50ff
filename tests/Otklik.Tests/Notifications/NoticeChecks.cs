using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Notifications;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Notifications;

/// <summary>The notices of the office read back as their recipients read them: through GET /api/v1/notifications.</summary>
public static class NoticeChecks
{
    public sealed record Item(long Id, NoticeKind Kind, string Title, string? Text, Guid? AppealId, string? AppealNumber, string? Link,
        DateTime CreatedAtUtc, bool Unread);

    public sealed record Page(List<Item> Items, int Unread, string? NextCursor);

    public static async Task<Page> NoticePageAsync(this TestApp app, Persona who, string query = "?limit=200") =>
        await (await app.ClientAs(who).GetAsync($"/api/v1/notifications{query}").Expect(HttpStatusCode.OK)).ReadAsync<Page>();

    /// <summary>The person's notices about one appeal, newest first.</summary>
    public static async Task<List<Item>> NoticesOfAsync(this TestApp app, Persona who, Guid appealId) =>
        [.. (await app.NoticePageAsync(who)).Items.Where(i => i.AppealId == appealId)];

    /// <summary>The outbox turned into notices (and letters), as the background dispatcher does on a worker node.</summary>
    public static async Task DeliverAsync(this TestApp app) => await app.DispatchMailAsync();

    /// <summary>The one notice of this kind about the appeal the person has; and nobody in <paramref name="others"/> has one.</summary>
    public static async Task<Item> OnlyToAsync(this TestApp app, Guid appealId, NoticeKind kind, Persona to, params Persona[] others)
    {
        var mine = (await app.NoticesOfAsync(to, appealId)).Where(i => i.Kind == kind).ToList();
        Assert.True(mine.Count == 1, $"{to} has {mine.Count} notices of {kind} about the appeal.");
        foreach (var other in others)
            Assert.DoesNotContain(await app.NoticesOfAsync(other, appealId), i => i.Kind == kind);
        Assert.True(mine[0].Unread);
        Assert.EndsWith($"/office/appeals/{appealId}", mine[0].Link);
        return mine[0];
    }

    public static async Task<int> DigestAsync(this TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await NoticeDigest.RunOnceAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), scope.ServiceProvider.GetRequiredService<NoticeSettings>(),
            app.Clock.GetUtcNow().UtcDateTime, TestContext.Current.CancellationToken);
    }
}
