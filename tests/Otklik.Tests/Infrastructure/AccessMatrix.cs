using System.Collections.Immutable;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace Otklik.Tests.Infrastructure;

/// <summary>The status one line of the matrix gives each caller: anonymous, a default for everyone signed in, and exceptions.</summary>
public sealed record Expect(int Anonymous, int Default, ImmutableDictionary<Persona, int> Exceptions)
{
    public static Expect Everyone(int status) => new(status, status, ImmutableDictionary<Persona, int>.Empty);

    /// <summary>Anonymous callers get 401; everyone signed in gets <paramref name="status"/> unless an exception says otherwise.</summary>
    public static Expect SignedIn(int status) => new(401, status, ImmutableDictionary<Persona, int>.Empty);

    /// <summary>Later calls override earlier ones, so a table reads "404, but 403 for those who see it, but 200 for those who may".</summary>
    public Expect With(int status, params Persona[] who) =>
        this with { Exceptions = Exceptions.SetItems(who.Select(p => KeyValuePair.Create(p, status))) };

    public int For(Persona? caller) => caller is { } p ? Exceptions.GetValueOrDefault(p, Default) : Anonymous;
}

/// <summary>What a line acts on: an appeal (id, number, version, its first co-executor part, a second appeal) or a directory entry.</summary>
public sealed record Target(Guid Id, string? Number = null, int Version = 0, Guid? PartId = null, Guid? OtherId = null);

/// <summary>
/// Makes the target of a line. One target is shared by all the calls that must change nothing (reads and refusals);
/// every call expected to change something gets a target of its own, so one success cannot spoil the next cell.
/// </summary>
public sealed record Setup(string Name, Func<TestApp, Task<Target>> MakeAsync)
{
    public static readonly Setup None = new("nothing", _ => Task.FromResult(new Target(Guid.Empty)));

    public static Setup Fixed(string name, Guid id) => new(name, _ => Task.FromResult(new Target(id)));
}

/// <summary>One line of the matrix: an endpoint exactly as the app routes it, one case of calling it, and who gets what.</summary>
public sealed record Line(string Method, string Route, string Case, Expect Expect, Setup Setup, Func<Target, HttpContent?> Body)
{
    public string Query { get; init; } = "";

    /// <summary>The line changes an appeal: a success must show in the appeal's version.</summary>
    public bool ActsOnAppeal { get; init; }

    /// <summary>An extra look at a successful answer's body; returns what is wrong, or null.</summary>
    public Func<Persona?, Target, string, string?>? Check { get; init; }

    public bool Changes => Method != "GET";

    /// <summary>The path to call when the route has values no target supplies (a year, a date); by default the route itself.</summary>
    public string? Path { get; init; }

    public string UrlFor(Target t) =>
        ((Path ?? Route) + Query).Replace("{id:guid}", t.Id.ToString()).Replace("{partId:guid}", t.PartId.ToString()).Replace("{stepId:guid}", t.PartId.ToString()).Replace("{keyId:guid}", t.PartId.ToString()).Replace("{number}", t.Number);

    public override string ToString() => $"{Method} {Route}{Query}" + (Case.Length > 0 ? $" [{Case}]" : "");
}

/// <summary>Runs every line of a matrix for every caller and collects every cell that differs from the table.</summary>
public static class AccessMatrix
{
    /// <summary>Everyone who may call: anonymous (null) and each persona of the test region.</summary>
    public static readonly IReadOnlyList<Persona?> Callers = [null, .. Enum.GetValues<Persona>().Select(p => (Persona?)p)];

    public static string NameOf(Persona? caller) => caller?.ToString() ?? "Anonymous";

    public static HttpContent? NoBody(Target _) => null;

    public static Func<Target, HttpContent?> Json(Func<Target, object> body) => t => JsonContent.Create(body(t), options: HttpExtensions.Options);

    public static async Task<IReadOnlyList<string>> RunAsync(TestApp app, IReadOnlyList<Line> lines)
    {
        var clients = Callers.ToDictionary(NameOf, c => c is { } p ? app.ClientAs(p) : app.Anonymous());
        var failures = new List<string>();

        var shared = new Dictionary<string, Target>();
        foreach (var line in lines)
            if (!shared.ContainsKey(line.Setup.Name)) shared[line.Setup.Name] = await line.Setup.MakeAsync(app);

        // Reads and refusals, all on the shared targets: together they must leave the database exactly as it was.
        var before = await FingerprintAsync(app);
        foreach (var line in lines)
            foreach (var caller in Callers)
                if (!(line.Changes && IsSuccess(line.Expect.For(caller))))
                    await CallAsync(line, caller, shared[line.Setup.Name]);
        var after = await FingerprintAsync(app);
        foreach (var (table, was) in before)
            if (!was.SequenceEqual(after[table]))
                failures.Add($"Reads and refusals changed the {table}: " + string.Join(", ",
                    was.Except(after[table]).Select(x => "-" + x).Concat(after[table].Except(was).Select(x => "+" + x))));

        // Successful changes, each on a target made for it.
        foreach (var line in lines)
            foreach (var caller in Callers)
                if (line.Changes && IsSuccess(line.Expect.For(caller)))
                {
                    var target = await line.Setup.MakeAsync(app);
                    if (await CallAsync(line, caller, target) && line.ActsOnAppeal)
                    {
                        var version = await app.WithDbAsync(db => db.Appeals.Where(a => a.Id == target.Id).Select(a => a.Version).SingleAsync());
                        if (version <= target.Version)
                            failures.Add($"{line} as {NameOf(caller)}: answered success but the appeal's version stayed {version}");
                    }
                }
        return failures;

        async Task<bool> CallAsync(Line line, Persona? caller, Target target)
        {
            var expected = line.Expect.For(caller);
            using var request = new HttpRequestMessage(new HttpMethod(line.Method), line.UrlFor(target)) { Content = line.Body(target) };
            using var response = await clients[NameOf(caller)].SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var actual = (int)response.StatusCode;
            if (actual != expected)
            {
                failures.Add($"{line} as {NameOf(caller)}: expected {expected}, got {actual} {Shorten(body)}");
                return false;
            }
            if (IsSuccess(actual) && line.Check?.Invoke(caller, target, body) is { } wrong)
            {
                failures.Add($"{line} as {NameOf(caller)}: {wrong}");
                return false;
            }
            return IsSuccess(actual);
        }
    }

    static bool IsSuccess(int status) => status is >= 200 and < 300;

    static string Shorten(string body) => body.Length <= 400 ? body : body[..400] + "…";

    /// <summary>What reads and refusals must not touch: appeals and their history, files, outbox, the directory and the catalogue.</summary>
    static Task<Dictionary<string, string[]>> FingerprintAsync(TestApp app) => app.WithDbAsync(async db => new Dictionary<string, string[]>
    {
        ["appeals"] = Rows(await db.Appeals.OrderBy(a => a.Number)
            .Select(a => new { a.Number, a.Version, a.Status, a.ExecutorOrganisationId, a.AssigneeId }).ToListAsync()),
        ["appeal events"] = [(await db.AppealEvents.CountAsync()).ToString()],
        ["appeal parts"] = Rows(await db.AppealParts.OrderBy(p => p.Id).Select(p => new { p.Id, p.Status }).ToListAsync()),
        ["attachments"] = Rows(await db.Attachments.OrderBy(a => a.Id).Select(a => new { a.Id, a.AppealId }).ToListAsync()),
        ["outbox"] = [(await db.Outbox.CountAsync()).ToString()],
        ["organisations"] = Rows(await db.Organisations.OrderBy(o => o.Id)
            .Select(o => new { o.Id, o.Version, o.Name, o.Kind, o.ParentId, o.Path, o.SitsOnBusinessProtectionHq, o.IsConnected }).ToListAsync()),
        ["people"] = Rows(await db.Users.OrderBy(p => p.Id).Select(p => p.Id).ToListAsync()),
        ["roles"] = Rows(await db.RoleAssignments.OrderBy(r => r.Id).Select(r => new { r.PersonId, r.Role, r.OrganisationId }).ToListAsync()),
        ["api keys"] = Rows(await db.ApiKeys.OrderBy(k => k.Id).Select(k => new { k.PersonId, k.Name }).ToListAsync()),
        ["territories"] = Rows(await db.Territories.OrderBy(t => t.Id).Select(t => new { t.Id, t.Version, t.OrganisationId }).ToListAsync()),
        ["categories"] = Rows(await db.Categories.OrderBy(c => c.Id).Select(c => new { c.Id, c.Name }).ToListAsync()),
        ["topics"] = Rows(await db.Topics.OrderBy(t => t.Id).Select(t => new { t.Id, t.Name, t.IsActive, t.CategoryId }).ToListAsync()),
        ["routing rules"] = Rows(await db.RoutingRules.OrderBy(r => r.Id).Select(r => new { r.Id, r.Version, r.Position, r.Enabled }).ToListAsync()),
        ["roadmap steps"] = Rows(await db.RoadmapSteps.OrderBy(x => x.Id).Select(x => new { x.Id, x.Order, x.Status, x.ApprovedAtUtc, x.Title }).ToListAsync()),
        ["roadmaps"] = Rows(await db.Roadmaps.OrderBy(x => x.AppealId).Select(x => new { x.AppealId, x.Status, x.Revision }).ToListAsync()),
        ["hq decisions"] = [(await db.HqDecisions.CountAsync()).ToString()],
        ["roadmap templates"] = Rows(await db.RoadmapTemplates.OrderBy(x => x.Id).Select(x => new { x.Id, x.Version }).ToListAsync()),
        ["topic routes"] = Rows(await db.TopicRoutes.OrderBy(r => r.Id).Select(r => new { r.TopicId, r.TerritoryId, r.OrganisationId }).ToListAsync()),
    });

    static string[] Rows<T>(IEnumerable<T> rows) => [.. rows.Select(r => r!.ToString()!)];
}
