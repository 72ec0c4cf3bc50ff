using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Intake;
using Otklik.Features.Portal.Public;
using Otklik.Infrastructure;

namespace Otklik.Features.Open311;

/// <summary>
/// Open311 GeoReport v2 under <c>/open311/v2</c> (docs/integrations.md, ADR 0024): topics are services (their category
/// the group), a topic's extra questions its service definition, appeals the service requests. Reports come in with a
/// system's <c>api_key</c> through the one intake (<see cref="SubmitAppeal"/>, a channel worker of <see cref="Channel.Open311"/>);
/// a report that goes to moderation first answers with a token, exchanged for the appeal's number once registered.
/// XML and JSON by the extension; every date in the region's time zone with its offset; errors as the spec's error list.
/// </summary>
public static partial class Open311Api
{
    public const string Root = "/open311/v2";

    /// <summary>Without dates, <c>GET requests</c> looks back this far (the spec's default window).</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(90);

    /// <summary>At most this many requests per answer (the spec's limit), newest first.</summary>
    public const int MaxRequests = 1000;

    public static IEndpointRouteBuilder MapOpen311Api(this IEndpointRouteBuilder routes)
    {
        var g = routes.MapGroup(Root).WithTags("Open311").ExcludeFromDescription();
        g.MapGet("/discovery.{format}", Discovery);
        g.MapGet("/services.{format}", Services);
        g.MapGet("/services/{code}.{format}", ServiceDefinition);
        // Form-encoded by the spec and sent by other systems with their api_key: no session, so no antiforgery token.
        g.MapPost("/requests.{format}", PostRequest).DisableAntiforgery();
        g.MapGet("/requests.{format}", GetRequests);
        g.MapGet("/requests/{id}.{format}", GetRequest);
        g.MapGet("/tokens/{token}.{format}", GetToken);
        return routes;
    }

    static readonly DateTime Changeset = new(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc);

    static async Task<IResult> Discovery(string format, AppDbContext db, PublicUrl url, CancellationToken ct)
    {
        if (!Open311Document.IsFormat(format)) return NotFound(format, "format");
        var zone = await RegionZoneAsync(db, ct);
        return Open311Document.One(format, "discovery", new Open311Record
        {
            { "changeset", Open311Document.W3c(Changeset, zone) },
            { "contact", "Администратор портала: " + url.Link("/contact") },
            { "key_service", "Ключ api_key выдаёт администратор региона (раздел «Интеграции»)" },
            { "endpoints", new Open311List("endpoint", [new Open311Record
                {
                    { "specification", "http://wiki.open311.org/GeoReport_v2" },
                    { "url", url.Link(Root) },
                    { "changeset", Open311Document.W3c(Changeset, zone) },
                    { "type", "production" },
                    { "formats", new Open311List("format", ["text/xml", "application/json"]) },
                }]) },
        });
    }

    static async Task<IResult> Services(string format, AppDbContext db, CancellationToken ct)
    {
        if (!Open311Document.IsFormat(format)) return NotFound(format, "format");
        var topics = await (from t in db.Topics.AsNoTracking()
                            join c in db.Categories.AsNoTracking() on t.CategoryId equals c.Id
                            where t.IsActive && c.IsActive
                            orderby c.SortOrder, c.Name, t.Name
                            select new { t.Id, t.Name, t.Keywords, Group = c.Name, Questions = t.Questions.Count }).ToListAsync(ct);
        return Open311Document.List(format, "services", "service", topics.Select(t => new Open311Record
        {
            { "service_code", t.Id.ToString() },
            { "service_name", t.Name },
            { "description", $"{t.Group}: {t.Name}" },
            { "metadata", t.Questions > 0 },
            { "type", "realtime" },
            { "keywords", t.Keywords ?? "" },
            { "group", t.Group },
        }));
    }

    static async Task<IResult> ServiceDefinition(string code, string format, AppDbContext db, CancellationToken ct)
    {
        if (!Open311Document.IsFormat(format)) return NotFound(format, "format");
        if (await ActiveTopicAsync(db, code, ct) is not { } topic) return NotFound(format, "service_code");
        return Open311Document.One(format, "service_definition", new Open311Record
        {
            { "service_code", topic.Id.ToString() },
            { "attributes", new Open311List("attribute", [.. topic.Questions.OrderBy(q => q.Order).ThenBy(q => q.Code).Select(q => new Open311Record
                {
                    { "variable", true },
                    { "code", q.Code },
                    { "datatype", DatatypeOf(q.Type) },
                    { "required", q.Required },
                    { "datatype_description", DatatypeDescription(q.Type) },
                    { "order", q.Order },
                    { "description", q.Text },
                    { "values", new Open311List("value", [.. q.Choices.Select(c => new Open311Record { { "key", c.Key }, { "name", c.Name } })]) },
                })]) },
        });
    }

    // ---- POST requests ----

    static async Task<IResult> PostRequest(string format, HttpRequest http, AppDbContext db, SubmitAppeal intake, Mail.OutboxDispatcher outbox,
        ILoggerFactory logs, CancellationToken ct)
    {
        if (!Open311Document.IsFormat(format)) return NotFound(format, "format");
        if (!http.HasFormContentType)
            return Open311Document.Errors(format, 400, "Send the request form-encoded (application/x-www-form-urlencoded), as GeoReport v2 says.");
        var form = await http.ReadFormAsync(ct);
        // The key is checked before anything else is read: an unknown caller learns nothing about the services.
        if (await Open311Key.FindAsync(db, form["api_key"].ToString(), ct) is not { } key)
            return Open311Document.Errors(format, 403, "api_key is missing or invalid: this server accepts requests only with a key issued by the region.");

        var errors = new List<string>();
        var code = form["service_code"].ToString();
        Topic? topic = null;
        if (code.Length == 0) errors.Add("service_code: required.");
        else if ((topic = await ActiveTopicAsync(db, code, ct)) is null) errors.Add($"service_code: no service {code}.");

        var lat = Number(form, "lat", errors);
        var lon = Number(form, "long", errors);
        var addressText = Clean(form["address_string"]);
        if (lat is null && lon is null && addressText is null)
            errors.Add(form["address_id"].Count > 0
                ? "address_id: not supported here; send lat and long or address_string."
                : "lat/long or address_string: a location is required.");
        var description = Clean(form["description"]);
        if (description is null) errors.Add("description: required; say what is wrong and where.");
        var media = Clean(form["media_url"]);
        if (media is not null && (media.Length > 500 || !Uri.TryCreate(media, UriKind.Absolute, out var mediaUri) || mediaUri.Scheme is not ("http" or "https")))
            errors.Add("media_url: an absolute http(s) URL of up to 500 characters.");
        var answers = topic is null ? new List<(string Question, string Answer)>() : Answers(topic, form, errors);
        if (errors.Count > 0) return Open311Document.Errors(format, 400, [.. errors]);

        var text = new StringBuilder(description);
        foreach (var (question, answer) in answers) text.Append(CultureInfo.InvariantCulture, $"\n{question}: {answer}");
        if (media is not null) text.Append(CultureInfo.InvariantCulture, $"\nФото (ссылка от приложения): {media}");
        var first = Clean(form["first_name"]);
        var last = Clean(form["last_name"]);
        var applicant = new ApplicantInfo
        {
            Kind = first is null && last is null ? ApplicantKind.Anonymous : ApplicantKind.Person,
            FirstName = first, LastName = last, Email = Clean(form["email"]), Phone = Clean(form["phone"]),
        };
        var request = new IntakeApi.SubmitRequest(AppealType.Problem, null, null, Channel.Open311, null, applicant, topic!.CategoryId, topic.Id,
            null, addressText, lat, lon, text.ToString(), false, false, null);
        IntakeApi.Submitted submitted;
        try
        {
            submitted = await intake.RunAsync(request, IntakeActor.ChannelWorker(Channel.Open311, "open311 " + key.Name), null, ct);
        }
        catch (InputException e)
        {
            return Open311Document.Errors(format, 400, [.. e.Errors.SelectMany(f => f.Value.Select(m => $"{ParameterOf(f.Key)}: {m}"))]);
        }
        catch (RuleException e)
        {
            return Open311Document.Errors(format, 400, e.Message);
        }
        outbox.Nudge();
        logs.CreateLogger("Otklik.Open311").LogInformation("Open311 request from {System}: appeal {Appeal}", key.Name, submitted.AppealId);

        var appeal = await db.Appeals.AsNoTracking().Where(a => a.Id == submitted.AppealId)
            .Select(a => new { a.Id, a.Number, a.Status, a.RegisteredAtUtc, a.DueAtUtc }).SingleAsync(ct);
        var zone = await RegionZoneAsync(db, ct);
        var record = new Open311Record();
        if (appeal.RegisteredAtUtc is null)
        {
            record.Add("token", appeal.Id.ToString("N"));
            record.Add("service_notice", "Сообщение принято и проходит модерацию; номер обращения выдаётся по токену после регистрации.");
        }
        else
        {
            record.Add("service_request_id", appeal.Number);
            record.Add("service_notice", $"Обращение {appeal.Number} зарегистрировано; срок ответа — до {Open311Document.W3c(appeal.DueAtUtc, zone)[..10]}.");
        }
        record.Add("account_id", Clean(form["account_id"]) ?? "");
        return Open311Document.List(format, "service_requests", "request", [record]);
    }

    /// <summary>The answers to the topic's extra questions (<c>attribute[CODE]</c>, <c>attribute[CODE][]</c> for several), checked by type.</summary>
    static List<(string Question, string Answer)> Answers(Topic topic, IFormCollection form, List<string> errors)
    {
        var result = new List<(string, string)>();
        foreach (var q in topic.Questions.OrderBy(q => q.Order))
        {
            var values = form[$"attribute[{q.Code}]"].Concat(form[$"attribute[{q.Code}][]"]).Select(v => v?.Trim() ?? "").Where(v => v.Length > 0).ToList();
            var name = $"attribute[{q.Code}]";
            if (values.Count == 0)
            {
                if (q.Required) errors.Add($"{name}: required ({q.Text}).");
                continue;
            }
            var choices = q.Choices;
            switch (q.Type)
            {
                case QuestionType.SingleValueList or QuestionType.MultiValueList:
                    if (q.Type == QuestionType.SingleValueList && values.Count > 1) { errors.Add($"{name}: one value only."); continue; }
                    var unknown = values.Where(v => choices.All(c => c.Key != v)).ToList();
                    if (unknown.Count > 0) { errors.Add($"{name}: {string.Join(", ", unknown)} is not one of {string.Join(", ", choices.Select(c => c.Key))}."); continue; }
                    result.Add((q.Text, string.Join(", ", values.Select(v => choices.First(c => c.Key == v).Name))));
                    break;
                case QuestionType.Number:
                    if (!double.TryParse(values[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _)) { errors.Add($"{name}: a number."); continue; }
                    result.Add((q.Text, values[0]));
                    break;
                case QuestionType.Datetime:
                    if (ParseW3c(values[0]) is null) { errors.Add($"{name}: a W3C date-time with its offset, e.g. 2026-11-23T10:00:00+03:00."); continue; }
                    result.Add((q.Text, values[0]));
                    break;
                default:
                    if (values[0].Length > (q.Type == QuestionType.Text ? 2000 : 300)) { errors.Add($"{name}: too long."); continue; }
                    result.Add((q.Text, values[0]));
                    break;
            }
        }
        return result;
    }

    /// <summary>Intake's field names in the spec's parameter names, so the client sees which of its fields was refused.</summary>
    static string ParameterOf(string field) => field switch
    {
        "text" => "description",
        "latitude" => "lat",
        "longitude" => "long",
        "address" => "address_string",
        "categoryId" or "topicId" or "type" or "kind" or "regime" => "service_code",
        "applicant" or "applicant.kind" or "applicant.firstName" => "first_name",
        "applicant.lastName" => "last_name",
        "applicant.email" => "email",
        "applicant.phone" => "phone",
        _ => field,
    };

    // ---- GET requests, a request, a token ----

    static async Task<IResult> GetRequests(string format, HttpRequest http, AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (!Open311Document.IsFormat(format)) return NotFound(format, "format");
        var q = http.Query;
        var errors = new List<string>();
        var query = Listed(db);
        var ids = List(q["service_request_id"]);
        // The spec: a list of ids overrides every other parameter.
        if (ids.Count > 0)
        {
            if (ids.Count > MaxRequests) return Open311Document.Errors(format, 400, $"service_request_id: at most {MaxRequests} ids.");
            query = query.Where(a => ids.Contains(a.Number));
        }
        else
        {
            var codes = List(q["service_code"]);
            var topics = new List<Guid>();
            foreach (var c in codes)
                if (Guid.TryParse(c, out var t)) topics.Add(t);
                else errors.Add($"service_code: {c} is not a service code.");
            var start = Date(q, "start_date", errors);
            var end = Date(q, "end_date", errors);
            var statuses = List(q["status"]);
            foreach (var s in statuses.Where(s => s is not ("open" or "closed"))) errors.Add($"status: {s} is neither open nor closed.");
            if (start is { } s0 && end is { } e0 && s0 > e0) errors.Add("start_date: later than end_date.");
            if (errors.Count > 0) return Open311Document.Errors(format, 400, [.. errors]);

            var now = clock.GetUtcNow().UtcDateTime;
            var to = end ?? (start is { } from0 ? from0 + DefaultWindow : now);
            var from = start ?? to - DefaultWindow;
            query = query.Where(a => a.ReceivedAtUtc >= from && a.ReceivedAtUtc <= to);
            if (topics.Count > 0) query = query.Where(a => a.TopicId != null && topics.Contains(a.TopicId.Value));
            if (statuses.Count == 1)
                query = statuses[0] == "closed" ? query.Where(a => ClosedStatuses.Contains(a.Status)) : query.Where(a => !ClosedStatuses.Contains(a.Status));
        }
        var withDescriptions = await Open311Key.FindAsync(db, q["api_key"].ToString(), ct) is not null;
        var appeals = await query.OrderByDescending(a => a.ReceivedAtUtc).Take(MaxRequests).ToListAsync(ct);
        return Open311Document.List(format, "service_requests", "request", await RecordsAsync(db, appeals, withDescriptions, ct));
    }

    static async Task<IResult> GetRequest(string id, string format, HttpRequest http, AppDbContext db, CancellationToken ct)
    {
        if (!Open311Document.IsFormat(format)) return NotFound(format, "format");
        var appeal = await Listed(db).SingleOrDefaultAsync(a => a.Number == id, ct);
        if (appeal is null) return NotFound(format, "service_request_id");
        var withDescriptions = await Open311Key.FindAsync(db, http.Query["api_key"].ToString(), ct) is not null;
        return Open311Document.List(format, "service_requests", "request", await RecordsAsync(db, [appeal], withDescriptions, ct));
    }

    static async Task<IResult> GetToken(string token, string format, AppDbContext db, CancellationToken ct)
    {
        if (!Open311Document.IsFormat(format)) return NotFound(format, "format");
        if (!Guid.TryParseExact(token, "N", out var id)) return NotFound(format, "token");
        var appeal = await db.Appeals.AsNoTracking().Where(a => a.Id == id && a.Channel == Channel.Open311)
            .Select(a => new { a.Number, a.RegisteredAtUtc, a.Status }).SingleOrDefaultAsync(ct);
        if (appeal is null) return NotFound(format, "token");
        // Still in moderation: the token is known, the request has no id yet (the spec leaves service_request_id empty).
        var leftModeration = appeal.RegisteredAtUtc is not null || ClosedStatuses.Contains(appeal.Status);
        return Open311Document.List(format, "service_requests", "request",
            [new Open311Record { { "service_request_id", leftModeration ? appeal.Number : null }, { "token", token } }]);
    }

    /// <summary>Statuses the spec calls <c>closed</c>: the answer is out or the appeal left the platform's hands.</summary>
    static readonly AppealStatus[] ClosedStatuses =
    [
        AppealStatus.AnswerSent, AppealStatus.Closed, AppealStatus.Rejected, AppealStatus.LeftWithoutAnswer, AppealStatus.Returned,
        AppealStatus.CorrespondenceStopped, AppealStatus.Redirected, AppealStatus.Merged,
    ];

    /// <summary>
    /// What Open311 lists: the appeals published on the portal, and the reports that came in through Open311 (their
    /// applicants reported through a public app). Nothing else of the region's correspondence is shown.
    /// </summary>
    static IQueryable<Appeal> Listed(AppDbContext db) =>
        db.Appeals.AsNoTracking().Where(a => a.Channel == Channel.Open311
            || (a.IsPublic && a.PublicationConsent && a.RegisteredAtUtc != null && PublicAppeals.Shown.Contains(a.Status)));

    static async Task<List<Open311Record>> RecordsAsync(AppDbContext db, List<Appeal> appeals, bool withDescriptions, CancellationToken ct)
    {
        var zone = await RegionZoneAsync(db, ct);
        var ids = appeals.Select(a => a.Id).ToList();
        var updated = await db.AppealEvents.AsNoTracking().Where(e => ids.Contains(e.AppealId)).GroupBy(e => e.AppealId)
            .Select(g => new { g.Key, At = g.Max(e => e.AtUtc) }).ToDictionaryAsync(x => x.Key, x => x.At, ct);
        var topicIds = appeals.Where(a => a.TopicId != null).Select(a => a.TopicId!.Value).Distinct().ToList();
        var topics = await db.Topics.AsNoTracking().Where(t => topicIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var orgIds = appeals.Where(a => a.ExecutorOrganisationId != null).Select(a => a.ExecutorOrganisationId!.Value).Distinct().ToList();
        var orgs = await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        return [.. appeals.Select(a =>
        {
            var closed = ClosedStatuses.Contains(a.Status);
            var published = PublicAppeals.IsVisible(a);
            // A published appeal shows its public (masked) text; an Open311 report's own text only to a system holding a key.
            var description = published ? PublicMasking.AppealText(a).Public : withDescriptions ? a.Text : "";
            return new Open311Record
            {
                { "service_request_id", a.Number },
                { "status", closed ? "closed" : "open" },
                { "status_notes", Labels.Of(a.Status) },
                { "service_name", a.TopicId is { } t && topics.TryGetValue(t, out var tn) ? tn : "" },
                { "service_code", a.TopicId?.ToString() ?? "" },
                { "description", description },
                { "agency_responsible", a.ExecutorOrganisationId is { } o && orgs.TryGetValue(o, out var on) ? on : "" },
                { "service_notice", "" },
                { "requested_datetime", Open311Document.W3c(a.ReceivedAtUtc, zone) },
                { "updated_datetime", Open311Document.W3c(updated.TryGetValue(a.Id, out var u) ? u : a.ReceivedAtUtc, zone) },
                { "expected_datetime", closed ? "" : Open311Document.W3c(a.DueAtUtc, zone) },
                { "address", a.Address ?? "" },
                { "address_id", "" },
                { "zipcode", "" },
                { "lat", a.Latitude },
                { "long", a.Longitude },
                { "media_url", "" },
            };
        })];
    }

    // ---- Helpers ----

    static async Task<Topic?> ActiveTopicAsync(AppDbContext db, string code, CancellationToken ct) =>
        Guid.TryParse(code, out var id)
            ? await db.Topics.AsNoTracking().Include(t => t.Questions)
                .Where(t => t.Id == id && t.IsActive && db.Categories.Any(c => c.Id == t.CategoryId && c.IsActive)).SingleOrDefaultAsync(ct)
            : null;

    /// <summary>The region's time zone: that of the root of the directory (the region's government).</summary>
    static async Task<TimeZoneInfo> RegionZoneAsync(AppDbContext db, CancellationToken ct) =>
        TimeZones.Find(await db.Organisations.AsNoTracking().Where(o => o.ParentId == null).OrderBy(o => o.Path)
            .Select(o => o.TimeZone).FirstOrDefaultAsync(ct) ?? "Europe/Moscow");

    static IResult NotFound(string? format, string what) => Open311Document.Errors(format, 404, $"{what}: not found.");

    static string? Clean(Microsoft.Extensions.Primitives.StringValues value) =>
        value.ToString().Trim() is { Length: > 0 } s ? s : null;

    static List<string> List(Microsoft.Extensions.Primitives.StringValues value) =>
        [.. value.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct()];

    static double? Number(IFormCollection form, string name, List<string> errors)
    {
        if (Clean(form[name]) is not { } text) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add($"{name}: a decimal number (WGS 84 degrees).");
        return null;
    }

    static DateTime? Date(IQueryCollection query, string name, List<string> errors)
    {
        if (Clean(query[name]) is not { } text) return null;
        if (ParseW3c(text) is { } at) return at;
        errors.Add($"{name}: a W3C date-time with its offset, e.g. 2026-11-23T10:00:00+03:00 (+ written as %2B).");
        return null;
    }

    /// <summary>A W3C date-time with Z or an offset; a '+' that a form-encoded query turned into a space is read back as '+'.</summary>
    static DateTime? ParseW3c(string text)
    {
        text = text.Replace(' ', '+');
        return W3cPattern().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at.UtcDateTime : null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex W3cPattern();

    static string DatatypeOf(QuestionType t) => t switch
    {
        QuestionType.Number => "number",
        QuestionType.Datetime => "datetime",
        QuestionType.Text => "text",
        QuestionType.SingleValueList => "singlevaluelist",
        QuestionType.MultiValueList => "multivaluelist",
        _ => "string",
    };

    static string DatatypeDescription(QuestionType t) => t switch
    {
        QuestionType.Number => "Число",
        QuestionType.Datetime => "Дата и время в формате W3C с часовым поясом",
        QuestionType.Text => "Текст до 2000 символов",
        QuestionType.SingleValueList => "Одно значение из списка",
        QuestionType.MultiValueList => "Одно или несколько значений из списка",
        _ => "Строка до 300 символов",
    };
}
