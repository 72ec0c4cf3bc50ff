using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Appeals;
using Otklik.Features.Deadlines;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Workspace;

/// <summary>
/// Many appeals written straight into the database (through the entity's own methods, with real deadlines), for the
/// lists' paging and exports: submitting a thousand over HTTP would take a minute.
/// </summary>
public static class BulkAppeals
{
    /// <summary>
    /// Potholes alternately in territory A and B, received 7 minutes apart in threes (so ties need the number), every
    /// third registered with its municipality, every sixth of those assigned to its executor, every fifth by hotline.
    /// Numbers start at 2026-500000, far from the ones the yearly counter gives out.
    /// </summary>
    public static async Task InsertAsync(TestApp app, int count, int first = 500_000)
    {
        var r = app.Region;
        var moderator = r.IdOf(Persona.CentreModerator);
        await app.WithDbAsync(async db =>
        {
            var clocks = app.Services.GetRequiredService<DeadlineClocks>();
            var centreClock = await clocks.ForAsync(db, r.Centre, default);
            var executorClock = await clocks.ForAsync(db, r.MunA, default);
            for (var i = 0; i < count; i++)
            {
                var inA = i % 2 == 0;
                var at = TestApp.Start.UtcDateTime.AddMinutes(-7 * (i / 3) - 60);
                var draft = new Appeal.Draft(AppealType.Problem, AppealKind.Task, LegalRegime.PlatformMessage, i % 5 == 0 ? Channel.Hotline : Channel.Portal,
                    null, new ApplicantInfo { Kind = ApplicantKind.Person, LastName = "Петрова", FirstName = "Ольга", Email = $"olga{i}@example.ru" },
                    null, null, r.CityCategory, r.PotholeTopic, inA ? r.TerritoryA : r.TerritoryB, $"ул. Садовая, {i + 1}",
                    inA ? TestRegion.InsideA.Lat : TestRegion.InsideB.Lat, inA ? TestRegion.InsideA.Lon : TestRegion.InsideB.Lon,
                    $"Массовое обращение № {i}: выбоина на дороге у дома {i + 1}.", false, false, r.Centre, null, null);
                var appeal = Appeal.Submit(draft, 2026, first + i, at, centreClock);
                if (i % 3 == 0)
                {
                    appeal.Route(inA ? r.MunA : r.MunB, "Маршрут по территории", null, at.AddMinutes(1));
                    appeal.Register(moderator, at.AddMinutes(2));
                    if (i % 6 == 0) appeal.Assign(r.IdOf(inA ? Persona.MunAExecutor : Persona.MunBExecutor), r.IdOf(inA ? Persona.MunADispatcher : Persona.MunBDispatcher), at.AddMinutes(3));
                    appeal.ApplyDeadlines(executorClock, at.AddMinutes(3));
                }
                db.Appeals.Add(appeal);
            }
            await db.SaveChangesAsync();
        });
    }
}

/// <summary>A person of the test region signed in with the staff cookie, and what the list page shows them.</summary>
public static class Office
{
    public static Task<HttpClient> SignInAsync(TestApp app, Persona persona) => app.SignedInClientAsync(persona);

    public static async Task<string> HtmlAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url).Expect(HttpStatusCode.OK);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    public sealed record ListRow(string Number, string Css, string Html);

    static readonly Regex RowPattern = new("<tr(?: class=\"(?<css>[^\"]*)\")? data-number=\"(?<n>[^\"]+)\">(?<body>.*?)</tr>", RegexOptions.Singleline);
    static readonly Regex NextPattern = new("<a href=\"(?<href>[^\"]+)\" rel=\"next\">");

    public static List<ListRow> Rows(string html) =>
        [.. RowPattern.Matches(html).Select(m => new ListRow(m.Groups["n"].Value, m.Groups["css"].Value, m.Groups["body"].Value))];

    public static List<string> Numbers(string html) => [.. Rows(html).Select(r => r.Number)];

    public static string? NextLink(string html) => NextPattern.Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["href"].Value) : null;
}
