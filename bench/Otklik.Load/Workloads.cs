using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Infrastructure;

namespace Otklik.Load;

/// <summary>An appeal a transition worker owns: where it is in the answer → submit → return cycle, and its version.</summary>
public sealed class Slot(Guid id, int version)
{
    public Guid Id { get; } = id;
    public int Version { get; set; } = version;
    public int Step { get; set; }
    public bool Stale { get; set; }
}

/// <summary>What the workloads act on, read from the filled database before the run (and, for deep pages, walked through the API).</summary>
public sealed class BenchTargets
{
    public required BenchDirectory Directory { get; init; }
    public required IReadOnlyList<Guid> ReadIds { get; init; }
    /// <summary>Numbers of published appeals, for the anonymous appeal page.</summary>
    public required IReadOnlyList<string> PublicNumbers { get; init; }
    public required IReadOnlyList<Slot> Slots { get; init; }
    /// <summary>(executor organisation, category) pairs with open appeals, most first.</summary>
    public required IReadOnlyList<(Guid Organisation, Guid Category)> ListFilters { get; init; }
    /// <summary>Houses in the address register (the address workloads type addresses of it and tap points near it).</summary>
    public int Houses { get; init; }
    /// <summary>Cursors of a deep page (the 20th, or the deepest there is) of some of <see cref="ListFilters"/>.</summary>
    public List<(Guid Organisation, Guid Category, string Cursor)> DeepPages { get; } = [];

    public const string OpenStatuses = "status=registered&status=assigned&status=inWork";
    public const int DeepPage = 20;

    public static async Task<BenchTargets> ReadAsync(AppDbContext db, int slotCount, CancellationToken ct)
    {
        var dir = await BenchData.LoadDirectoryAsync(db, ct);
        var ours = db.Appeals.AsNoTracking().Where(a => a.OwnerOrganisationId == dir.Centre);
        var counters = await db.AppealCounters.AsNoTracking().ToListAsync(ct);
        // Random appeals by number: the unique index finds them at any volume.
        var random = new Random(7);
        var numbers = Enumerable.Range(0, 2000).Select(_ => random.Pick(counters)).Select(c => Appeal.FormatNumber(c.Year, random.Next(1, c.Last + 1))).Distinct().ToList();
        var readIds = await ours.Where(a => numbers.Contains(a.Number)).Select(a => a.Id).ToListAsync(ct);
        var slots = await ours.Where(a => a.Status == AppealStatus.InWork && a.PausedAtUtc == null && !a.Parts.Any())
            .OrderBy(a => a.Number).Take(slotCount).Select(a => new { a.Id, a.Version }).ToListAsync(ct);
        var working = new[] { AppealStatus.Registered, AppealStatus.Assigned, AppealStatus.InWork };
        var filters = await ours.Where(a => working.Contains(a.Status) && a.ExecutorOrganisationId != null)
            .GroupBy(a => new { a.ExecutorOrganisationId, a.CategoryId }).Select(g => new { g.Key.ExecutorOrganisationId, g.Key.CategoryId, Count = g.Count() })
            .ToListAsync(ct);
        var published = await Otklik.Features.Portal.Public.PublicAppeals.Visible(db.Appeals.AsNoTracking())
            .OrderBy(a => a.Number).Take(500).Select(a => a.Number).ToListAsync(ct);
        return new BenchTargets
        {
            Directory = dir, ReadIds = readIds, PublicNumbers = published, Slots = [.. slots.Select(s => new Slot(s.Id, s.Version))],
            ListFilters = [.. filters.OrderByDescending(f => f.Count).Take(20).Select(f => (f.ExecutorOrganisationId!.Value, f.CategoryId))],
            Houses = await db.Set<Otklik.Features.Addresses.AddressHouse>().CountAsync(ct),
        };
    }

    public static string ListUrl(Guid organisation, Guid category, string? cursor = null, int limit = 25) =>
        $"/api/v1/appeals?{OpenStatuses}&organisationId={organisation}&categoryId={category}&sort=due&limit={limit}" +
        (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));

    /// <summary>Walks the list of a few filters page by page through the API, keeping the cursor of the deepest page reached.</summary>
    public async Task FindDeepPagesAsync(HttpClient http, CancellationToken ct)
    {
        // Tiny data (the smoke test) has no second page of 25: a cursor after the first row stands in for it.
        foreach (var pageSize in new[] { 25, 1 })
        {
            if (DeepPages.Count > 0) return;
            foreach (var (org, cat) in ListFilters.Take(5)) await WalkAsync(http, org, cat, pageSize, ct);
        }
        if (DeepPages.Count == 0) throw new InvalidOperationException("no list filter has a second page: fill more appeals");
    }

    async Task WalkAsync(HttpClient http, Guid org, Guid cat, int pageSize, CancellationToken ct)
    {
        {
            string? cursor = null;
            var page = 1;
            while (page < DeepPage)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, ListUrl(org, cat, cursor, pageSize));
                request.Headers.Authorization = new("Bearer", BenchDirectory.AnalystKey);
                using var response = await http.SendAsync(request, ct);
                response.EnsureSuccessStatusCode();
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
                if (json.RootElement.GetProperty("nextCursor").GetString() is not { } next) break;
                cursor = next;
                page++;
            }
            if (cursor is not null) DeepPages.Add((org, cat, cursor));
        }
    }
}

/// <summary>
/// The workloads, each one line: what it asks and of whom. Repoint a line when the endpoint it stands in for lands
/// (search → the full-text search of issue 6; the public pages → /feed and /appeals/{number} of issue 5).
/// </summary>
public static class Workloads
{
    const string Api = "/api/v1";
    const string Analyst = BenchDirectory.AnalystKey, Staff = BenchDirectory.StaffKey, Applicant = BenchDirectory.ApplicantKey;

    /// <param name="concurrency">Overrides every workload's concurrency (the smoke test runs tiny data with 2).</param>
    public static IReadOnlyList<Workload> All(BenchTargets t, int? concurrency = null)
    {
        int C(int n) => concurrency ?? n;
        return
        [
            new("intake c8", "POST /api/v1/appeals + Idempotency-Key (applicant)", C(8), w => Intake(w, t)) { RedminePhase = "create", Limit = "pgbench" },
            new("intake c32", "POST /api/v1/appeals + Idempotency-Key (applicant)", C(32), w => Intake(w, t)) { Limit = "pgbench" },
            new("list page 1", $"GET /api/v1/appeals?{BenchTargets.OpenStatuses}&organisationId&categoryId&sort=due&limit=25", C(8),
                w => w.GetAsync(ListPage1(w, t), Analyst)) { RedminePhase = "list", Limit = "prebuilt" },
            new("list deep page", $"the same, page {BenchTargets.DeepPage} (or the deepest the data has) by keyset cursor", C(8), w => w.GetAsync(DeepPage(w, t), Analyst)) { Limit = "prebuilt" },
            new("read", "GET /api/v1/appeals/{id}?include=history (the appeal with its history, as Redmine's ?include=journals)", C(8),
                w => w.GetAsync($"{Api}/appeals/{w.Random.Pick(t.ReadIds)}?include=history", Analyst)) { RedminePhase = "get", Limit = "prebuilt" },
            new("transition", "POST /api/v1/appeals/{id}/answer | answer/submit | answer/return (a cycle of status changes with text)", C(8),
                w => Transition(w, t)) { RedminePhase = "update" },
            // The staff list's text filter: Russian full-text search with morphology (the search index of issue 6).
            new("search", "GET /api/v1/appeals?q={word}&limit=25 (full-text, Russian morphology)", C(8), w => w.GetAsync($"{Api}/appeals?q={Uri.EscapeDataString(w.Random.Pick(Vocabulary.SearchWords))}&limit=25", Analyst))
                { RedminePhase = "search", Limit = "prebuilt" },
            // The address register (issue 17): a typed address with word forms and abbreviations, and the nearest house of a point.
            new("address search", "GET /api/v1/addresses/search?q={«Ленина 15» | «ул. Мира, 7» | «Бенчград-3 Садовая 40»} (anonymous)", C(8),
                w => w.GetAsync($"{Api}/addresses/search?q={Uri.EscapeDataString(BenchAddresses.Query(w.Random, Math.Max(1, t.Houses)))}")) { Limit = "prebuilt" },
            new("address nearest", "GET /api/v1/addresses/nearest?lat=&lon= (a point within 100 m of a house, anonymous)", C(8), w =>
            {
                var (lat, lon) = BenchAddresses.Near(w.Random, Math.Max(1, t.Houses));
                return w.GetAsync(FormattableString.Invariant($"{Api}/addresses/nearest?lat={lat:F6}&lon={lon:F6}"));
            }) { Limit = "prebuilt" },
            new("dashboard", "GET /api/v1/stats/dashboard", C(8), w => w.GetAsync($"{Api}/stats/dashboard", Analyst)) { Limit = "prebuilt" },
            new("public feed", "GET /feed?p={1..5} (anonymous, output-cached)", C(8), w => w.GetAsync($"/feed?p={w.Random.Next(1, 6)}")) { Limit = "prebuilt" },
            new("public appeal", "GET /appeals/{number} (anonymous, output-cached)", C(8),
                w => w.GetAsync(t.PublicNumbers.Count > 0 ? $"/appeals/{w.Random.Pick(t.PublicNumbers)}" : "/feed")) { Limit = "prebuilt" },
        ];
    }

    static Task Intake(Worker w, BenchTargets t)
    {
        var r = w.Random;
        var topic = r.Pick(t.Directory.Topics.Where(x => !x.Business).ToList());
        var territory = r.Pick(t.Directory.Territories);
        var address = Vocabulary.Address(r);
        var body = JsonSerializer.Serialize(new
        {
            type = "problem", channel = "portal", categoryId = topic.CategoryId, topicId = topic.Id, address,
            latitude = territory.MinLat + 0.05 + r.NextDouble() * 0.3, longitude = territory.MinLon + 0.05 + r.NextDouble() * 0.3,
            text = Vocabulary.Text(r, topic.Words, address), isPublic = true, publicationConsent = true,
            applicant = Vocabulary.Applicant(r, business: false),
        }, Json.Options);
        return w.PostAsync($"{Api}/appeals", Applicant, body, HttpStatusCode.Created, idempotencyKey: Guid.NewGuid().ToString());
    }

    static string ListPage1(Worker w, BenchTargets t)
    {
        var (org, cat) = w.Random.Pick(t.ListFilters);
        return BenchTargets.ListUrl(org, cat);
    }

    static string DeepPage(Worker w, BenchTargets t)
    {
        var (org, cat, cursor) = w.Random.Pick(t.DeepPages);
        return BenchTargets.ListUrl(org, cat, cursor);
    }

    /// <summary>
    /// Each worker owns its own appeals (two changes of one appeal at once would meet at the version check, which is not
    /// what is measured) and moves each round the cycle in work → answer drafted → on review → returned for rework.
    /// </summary>
    static async Task Transition(Worker w, BenchTargets t)
    {
        var mine = t.Slots.Where((_, i) => i % w.Concurrency == w.Index).ToList();
        if (mine.Count == 0) throw new LoadFailureException("no appeal in work for this worker: fill more appeals");
        var slot = mine[(int)(w.Iteration % mine.Count)];
        if (slot.Stale) await ResyncAsync(w, slot);
        var (action, body) = slot.Step switch
        {
            0 => ("answer", (object)new { version = slot.Version, text = string.Join(' ', Vocabulary.AnswerPhrases.Take(3)), result = "explained" }),
            1 => ("answer/submit", new { version = slot.Version }),
            _ => ("answer/return", new { version = slot.Version, reasons = new[] { "noEvidence" }, comment = "Приложите фотографии выполненных работ." }),
        };
        try
        {
            var answer = await w.PostAsync($"{Api}/appeals/{slot.Id}/{action}", Staff, JsonSerializer.Serialize(body, Json.Options));
            using var json = JsonDocument.Parse(answer);
            slot.Version = json.RootElement.GetProperty("version").GetInt32();
            slot.Step = (slot.Step + 1) % 3;
        }
        catch
        {
            slot.Stale = true;
            throw;
        }
    }

    static async Task ResyncAsync(Worker w, Slot slot)
    {
        using var json = JsonDocument.Parse(await w.GetAsync($"{Api}/appeals/{slot.Id}", Staff));
        slot.Version = json.RootElement.GetProperty("version").GetInt32();
        slot.Step = json.RootElement.GetProperty("status").GetString() switch { "answerDraft" => 1, "answerReview" => 2, _ => 0 };
        slot.Stale = false;
    }

    /// <summary>The same shape against the prebuilt-response endpoint: as many requests per operation, of the same size.</summary>
    public static Workload Prebuilt(LoadResult measured)
    {
        var requests = Math.Max(1, (int)Math.Round(measured.RequestsPerOperation));
        var size = (int)Math.Round(measured.BytesPerOperation / requests);
        return new($"{measured.Name} (prebuilt)", $"GET /r/{size} ×{requests}", measured.Concurrency, async w =>
        {
            for (var i = 0; i < requests; i++) await w.GetAsync($"/r/{size}");
        });
    }
}
