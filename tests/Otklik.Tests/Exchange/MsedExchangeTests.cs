using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Attachments;
using Otklik.Features.Appeals;
using Otklik.Features.Exchange.Msed;
using Otklik.Features.Intake;
using Otklik.Features.Mail;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Social;

namespace Otklik.Tests.Exchange;

/// <summary>
/// The small document system of the tests (issue 19 item 5): its gateway takes packages on <c>/msed/packages</c>, checks
/// the key, reads the multipart package, registers each package once (the same package id again gets the same
/// registration back) and answers with a receipt, or only takes it when <see cref="RegisterAtOnce"/> is off.
/// </summary>
public sealed class TestDocumentSystem
{
    public const string Key = "msed-gateway-key";
    public sealed record Package(Guid Id, XDocument Card, byte[] Pdf, IReadOnlyList<(string Name, string ContentType, byte[] Bytes)> Files);

    public FakeServer Server { get; }
    public ConcurrentDictionary<Guid, (string Number, DateOnly On, Package Package)> Registered { get; } = new();
    public bool RegisterAtOnce { get; set; } = true;
    /// <summary>Packages refused (503) the first time they come: the gateway is down for a while.</summary>
    public ConcurrentDictionary<Guid, bool> RefuseFirst { get; } = new();
    int _sequence;

    public TestDocumentSystem(FakeServer server)
    {
        Server = server;
        server.Respond = Handle;
    }

    public DateOnly Today { get; set; } = DateOnly.FromDateTime(TestApp.Start.UtcDateTime);

    FakeServer.Reply Handle(FakeServer.Received r)
    {
        if (r.Path != "/msed/packages" || r.Method != "POST") return FakeServer.Reply.Json("{}", 404);
        if (r.Headers.GetValueOrDefault(HttpDocumentExchange.KeyHeader) != Key) return FakeServer.Reply.Json("{\"error\":\"key\"}", 401);
        if (RefuseFirst.TryRemove(Guid.Parse(r.Headers[HttpDocumentExchange.PackageHeader]), out _)) return FakeServer.Reply.Json("{\"error\":\"busy\"}", 503);
        var package = Read(r);
        var registered = Registered.GetOrAdd(package.Id, _ => ($"01-15/{Interlocked.Increment(ref _sequence)}", Today, package));
        if (!RegisterAtOnce) return new FakeServer.Reply(202, "application/xml", []);
        var receipt = $"<receipt registrationNumber=\"{registered.Number}\" registeredOn=\"{registered.On:yyyy-MM-dd}\"/>";
        return new FakeServer.Reply(200, "application/xml", Encoding.UTF8.GetBytes(receipt));
    }

    /// <summary>Reads multipart/form-data by hand (Latin-1 keeps every byte as one character).</summary>
    static Package Read(FakeServer.Received r)
    {
        var boundary = MediaTypeHeaderValue.Parse(r.ContentType).Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        var text = Encoding.Latin1.GetString(r.Body);
        XDocument? card = null;
        byte[]? pdf = null;
        var files = new List<(string, string, byte[])>();
        foreach (var raw in text.Split("--" + boundary).Skip(1))
        {
            if (raw.StartsWith("--", StringComparison.Ordinal)) break;
            var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var headers = raw[..split];
            var body = Encoding.Latin1.GetBytes(raw[(split + 4)..^2]);
            var disposition = ContentDispositionHeaderValue.Parse(headers.Split("\r\n").Single(h => h.StartsWith("Content-Disposition", StringComparison.OrdinalIgnoreCase)).Split(':', 2)[1]);
            var type = headers.Split("\r\n").Single(h => h.StartsWith("Content-Type", StringComparison.OrdinalIgnoreCase)).Split(':', 2)[1].Trim();
            var name = disposition.Name!.Trim('"');
            if (name == "card") card = XDocument.Load(new MemoryStream(body));
            else if (name == "text") pdf = body;
            else files.Add((disposition.FileNameStar ?? disposition.FileName!.Trim('"'), type, body));
        }
        return new Package(Guid.Parse(r.Headers[HttpDocumentExchange.PackageHeader]), card!, pdf!, files);
    }
}

public sealed class MsedApps : IAsyncLifetime
{
    public const string InboundKey = "msed-notices-key";
    readonly ConcurrentDictionary<Engine, Lazy<Task<TestApp>>> _apps = new();
    public TestDocumentSystem Sed { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Sed = new TestDocumentSystem(await FakeServer.StartAsync());

    public Task<TestApp> For(Engine engine) => _apps.GetOrAdd(engine, e => new Lazy<Task<TestApp>>(() => TestApp.StartAsync(e, settings: new Dictionary<string, string?>
    {
        ["Otklik:DocumentExchange:Url"] = new Uri(Sed.Server.BaseAddress, "msed/").ToString(),
        ["Otklik:DocumentExchange:Key"] = TestDocumentSystem.Key,
        ["Otklik:DocumentExchange:InboundKey"] = InboundKey,
        ["Otklik:DocumentExchange:Title"] = "МСЭД",
    }))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps.Values.Where(a => a.IsValueCreated)) await (await app.Value).DisposeAsync();
        await Sed.Server.DisposeAsync();
    }
}

/// <summary>
/// The МСЭД exchange (issue 19 item 5, ADR 0044): an appeal goes out as a package (registration card XML, its text as
/// PDF, its files) through the outbox to the document system of the tests, once, retried while the gateway is down; the
/// registration comes back (in the receipt or as a notice) and is on the appeal; the answer document comes back once and
/// becomes the answer's draft. Bad notices are refused naming the field and change nothing.
/// </summary>
public sealed class MsedExchangeTests(MsedApps apps) : IClassFixture<MsedApps>
{
    static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x02, 0x03];
    static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    const string Ministry = "Министерство транспорта и дорожного хозяйства";

    static HttpClient Gateway(TestApp app, string key = MsedApps.InboundKey)
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Add(MsedApi.KeyHeader, key);
        return client;
    }

    static async Task<AppealView> AppealWithPhotoInWorkAsync(TestApp app)
    {
        var file = new ByteArrayContent(Jpeg);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var upload = await app.ClientAs(Persona.Applicant).PostAsync("/api/v1/attachments", new MultipartFormDataContent { { file, "file", "яма.jpg" } })
            .Expect(HttpStatusCode.Created);
        var photo = (await upload.ReadAsync<AttachmentsApi.AttachmentView>()).Id;
        return await app.AppealInAsync(AppealStatus.InWork, Samples.Pothole(app.Region).With("attachmentIds", new[] { photo }));
    }

    static async Task<Guid> SendPackageAsync(TestApp app, AppealView a)
    {
        var (_, executor, _) = Scenario.Staff(app, a);
        await app.ClientAs(executor).PostJsonAsync($"/api/v1/appeals/{a.Id}/document-packages",
            new { version = a.Version, recipient = Ministry, note = "Дорога регионального значения: прошу рассмотреть по компетенции." }).Expect(HttpStatusCode.OK);
        return await app.WithDbAsync(db => db.DocumentPackages.Where(p => p.AppealId == a.Id).Select(p => p.Id).SingleAsync());
    }

    static Task<List<string>> ExchangesAsync(TestApp app, Guid appealId) =>
        app.WithDbAsync(db => db.AppealEvents.AsNoTracking().Where(e => e.AppealId == appealId && e.Kind == EventKind.Exchanged)
            .OrderBy(e => e.Sequence).Select(e => e.Note!).ToListAsync());

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_appeal_goes_to_the_document_system_once_is_registered_and_its_answer_becomes_the_draft(Engine engine)
    {
        var app = await apps.For(engine);
        var sed = apps.Sed;
        sed.RegisterAtOnce = true;
        var a = await AppealWithPhotoInWorkAsync(app);
        var packageId = await SendPackageAsync(app, a);
        sed.RefuseFirst[packageId] = true;
        Assert.Equal(AppealStatus.InWork, (await app.GetAsync(a.Id)).Status);

        // The gateway is down at first: the package waits with the error and goes again later, with the same id.
        var outbox = app.Services.GetRequiredService<OutboxDispatcher>();
        await outbox.RunOnceAsync();
        Assert.Contains("503", await app.WithDbAsync(db => db.DocumentPackages.Where(p => p.Id == packageId).Select(p => p.LastError).SingleAsync()));
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await outbox.RunOnceAsync();
        var sent = sed.Server.To("/msed/packages").Where(r => r.Headers.GetValueOrDefault(HttpDocumentExchange.PackageHeader) == packageId.ToString()).ToList();
        Assert.Equal(2, sent.Count);

        // What the document system got: the card names the package, the addressee, the appeal and the files it carries.
        var (number, on, package) = sed.Registered[packageId];
        XNamespace ns = "urn:otklik:msed:1";
        var card = package.Card.Root!;
        Assert.Equal(packageId.ToString(), card.Attribute("packageId")!.Value);
        Assert.Equal(Ministry, card.Element(ns + "recipient")!.Value);
        Assert.Equal(a.Number, card.Element(ns + "appeal")!.Element(ns + "number")!.Value);
        Assert.Equal("Иванова Мария", card.Element(ns + "applicant")!.Element(ns + "name")!.Value);
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(package.Pdf, 0, 4), StringComparison.Ordinal);
        var photo = Assert.Single(package.Files);
        Assert.Equal(("яма.jpg", "image/jpeg"), (photo.Name, photo.ContentType));
        Assert.Equal(Jpeg, photo.Bytes);
        var listed = card.Element(ns + "files")!.Elements(ns + "file").Single(f => f.Attribute("part")!.Value == "file");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Jpeg)), listed.Attribute("sha256")!.Value);

        // The registration came back in the receipt: it is on the package and in the appeal's history.
        var stored = await app.WithDbAsync(db => db.DocumentPackages.AsNoTracking().SingleAsync(p => p.Id == packageId));
        Assert.Equal((number, on, (string?)null), (stored.RegistrationNumber, stored.RegisteredOn!.Value, stored.LastError));
        Assert.NotNull(stored.SentAtUtc);
        var history = await ExchangesAsync(app, a.Id);
        Assert.Contains(history, n => n.StartsWith("Обращение направляется в МСЭД", StringComparison.Ordinal) && n.Contains(Ministry, StringComparison.Ordinal));
        Assert.Contains(history, n => n.Contains($"зарегистрирован в МСЭД: № {number} от {on:dd.MM.yyyy}", StringComparison.Ordinal));
        var (_, executor, _) = Scenario.Staff(app, a);
        var view = await (await app.ClientAs(executor).GetAsync($"/api/v1/appeals/{a.Id}/document-packages").Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.Equal(number, view[0].GetProperty("registrationNumber").GetString());

        // Nothing goes twice.
        app.Clock.Advance(TimeSpan.FromMinutes(30));
        await outbox.RunOnceAsync();
        Assert.Equal(2, sed.Server.To("/msed/packages").Count(r => r.Headers.GetValueOrDefault(HttpDocumentExchange.PackageHeader) == packageId.ToString()));

        // The ministry answers: the answer document becomes the draft, with its file; sent again, it changes nothing.
        var answer = new
        {
            packageId, kind = "answer",
            answer = new
            {
                documentId = "DOC-" + packageId.ToString("N")[..8], number = "12-01/778", date = sed.Today,
                text = "Ремонт участка включён в программу дорожных работ на 2027 год, яма будет заделана в ближайшую неделю.",
                signatory = "Заместитель министра А. А. Петров", files = new[] { new { fileName = "ответ министерства.pdf", contentBase64 = Convert.ToBase64String(Pdf) } },
            },
        };
        var first = await (await Gateway(app).PostJsonAsync("/api/v1/msed/notices", answer).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.True(first.GetProperty("changed").GetBoolean());
        Assert.True(first.GetProperty("answerDrafted").GetBoolean());
        var again = await (await Gateway(app).PostJsonAsync("/api/v1/msed/notices", answer).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>();
        Assert.False(again.GetProperty("changed").GetBoolean());

        var drafted = await app.GetAsync(a.Id);
        Assert.Equal(AppealStatus.AnswerDraft, drafted.Status);
        var entity = await app.WithDbAsync(db => db.Appeals.AsNoTracking().SingleAsync(x => x.Id == a.Id));
        Assert.Equal(answer.answer.text, entity.AnswerText);
        var files = await app.WithDbAsync(db => db.Attachments.AsNoTracking().Where(f => f.AppealId == a.Id && f.Purpose == AttachmentPurpose.Answer).ToListAsync());
        Assert.Equal(("ответ министерства.pdf", "application/pdf"), (Assert.Single(files).FileName, files[0].ContentType));
        Assert.Equal(1, await app.WithDbAsync(db => db.AppealEvents.CountAsync(e => e.AppealId == a.Id && e.Kind == EventKind.AnswerDrafted)));
        Assert.Contains("№ 12-01/778", await app.WithDbAsync(db => db.AppealEvents.Where(e => e.AppealId == a.Id && e.Kind == EventKind.AnswerDrafted)
            .Select(e => e.Note).SingleAsync()));

        // It is a draft like any other: the executor sends it on.
        var submitted = await app.ActAsync(executor, drafted, "answer/submit");
        Assert.Contains(submitted.Status, new[] { AppealStatus.AnswerReview, AppealStatus.AnswerSent });
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_registration_notice_is_taken_once_and_bad_requests_are_refused_naming_the_field_and_change_nothing(Engine engine)
    {
        var app = await apps.For(engine);
        var sed = apps.Sed;
        sed.RegisterAtOnce = false;
        var a = await AppealWithPhotoInWorkAsync(app);
        var (_, executor, _) = Scenario.Staff(app, a);

        // The office: an addressee is required; a refused request writes no package.
        var refused = await app.ClientAs(executor).PostJsonAsync($"/api/v1/appeals/{a.Id}/document-packages", new { version = a.Version, recipient = " " })
            .Expect(HttpStatusCode.UnprocessableEntity);
        Assert.True((await refused.ProblemAsync()).GetProperty("errors").TryGetProperty("recipient", out _));
        Assert.False(await app.WithDbAsync(db => db.DocumentPackages.AnyAsync(p => p.AppealId == a.Id)));

        a = await app.GetAsync(a.Id);
        var packageId = await SendPackageAsync(app, a);
        await app.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync();
        var taken = await app.WithDbAsync(db => db.DocumentPackages.AsNoTracking().SingleAsync(p => p.Id == packageId));
        Assert.NotNull(taken.SentAtUtc);
        Assert.Null(taken.RegistrationNumber);

        async Task Refused(HttpClient client, object body, HttpStatusCode status, params string[] fields)
        {
            var problem = await (await client.PostJsonAsync("/api/v1/msed/notices", body).Expect(status)).ProblemAsync();
            foreach (var field in fields) Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }
        var registered = new { packageId, kind = "registered", registrationNumber = "01-15/900", registeredOn = sed.Today };
        await Refused(Gateway(app, "wrong"), registered, HttpStatusCode.Unauthorized, MsedApi.KeyHeader);
        await Refused(app.Anonymous(), registered, HttpStatusCode.Unauthorized, MsedApi.KeyHeader);
        await Refused(Gateway(app), new { kind = "stamped" }, HttpStatusCode.UnprocessableEntity, "packageId", "kind");
        await Refused(Gateway(app), new { packageId, kind = "registered", registeredOn = sed.Today.AddDays(30) }, HttpStatusCode.UnprocessableEntity,
            "registrationNumber", "registeredOn");
        await Refused(Gateway(app), new { packageId = Guid.NewGuid(), kind = "registered", registrationNumber = "1", registeredOn = sed.Today },
            HttpStatusCode.NotFound, "packageId");
        await Refused(Gateway(app), new
        {
            packageId, kind = "answer",
            answer = new { documentId = "D-1", text = "Ответ.", files = new[] { new { fileName = "page.html", contentBase64 = Convert.ToBase64String(Encoding.UTF8.GetBytes("<html></html>")) } } },
        }, HttpStatusCode.UnprocessableEntity, "answer.files[0]");
        var unchanged = await app.WithDbAsync(db => db.DocumentPackages.AsNoTracking().SingleAsync(p => p.Id == packageId));
        Assert.Equal(((string?)null, (string?)null, (DateOnly?)null), (unchanged.RegistrationNumber, unchanged.AnswerDocumentId, unchanged.RegisteredOn));
        Assert.Equal(AppealStatus.InWork, (await app.GetAsync(a.Id)).Status);

        // The registration notice: taken once; the same again changes nothing; another number for it is a conflict.
        Assert.True((await (await Gateway(app).PostJsonAsync("/api/v1/msed/notices", registered).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>())
            .GetProperty("changed").GetBoolean());
        Assert.False((await (await Gateway(app).PostJsonAsync("/api/v1/msed/notices", registered).Expect(HttpStatusCode.OK)).ReadAsync<JsonElement>())
            .GetProperty("changed").GetBoolean());
        await Refused(Gateway(app), registered with { registrationNumber = "01-15/901" }, HttpStatusCode.Conflict, "registrationNumber");
        Assert.Equal("01-15/900", await app.WithDbAsync(db => db.DocumentPackages.Where(p => p.Id == packageId).Select(p => p.RegistrationNumber).SingleAsync()));
        Assert.Single(await ExchangesAsync(app, a.Id), n => n.Contains("№ 01-15/900", StringComparison.Ordinal));
    }
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_card_shows_the_packages_and_sends_one_from_its_form_with_the_error_next_to_the_field(Engine engine)
    {
        var app = await apps.For(engine);
        var a = await app.AppealInAsync(AppealStatus.InWork);
        var (_, executor, controller) = Scenario.Staff(app, a);
        using var staff = await FormSession.SignInAsync(app, executor);
        var card = WebUtility.HtmlDecode(await staff.GetAsync($"/office/appeals/{a.Id}"));
        Assert.Contains("id=\"msed\"", card);
        Assert.Contains("Направить пакет", card);
        var version = FormSession.HiddenValue(card, "Version");

        var refused = await staff.PostAsync($"/office/appeals/{a.Id}/msed?handler=Send",
            [new("Version", version), new("Form.Kind", "Letter"), new("Form.Recipient", ""), new("Form.Note", "Запрос сведений о программе ремонта")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var again = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("id=\"msed-recipient-error\"", again);
        Assert.Contains("Запрос сведений о программе ремонта", again);
        Assert.False(await app.WithDbAsync(db => db.DocumentPackages.AnyAsync(p => p.AppealId == a.Id)));

        var sent = await staff.PostAsync($"/office/appeals/{a.Id}/msed?handler=Send",
            [new("Version", version), new("Form.Kind", "Letter"), new("Form.Recipient", Ministry), new("Form.Note", "Запрос сведений о программе ремонта")]);
        Assert.True(sent.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, sent.StatusCode.ToString());
        var package = await app.WithDbAsync(db => db.DocumentPackages.AsNoTracking().SingleAsync(p => p.AppealId == a.Id));
        Assert.Equal((PackageKind.Letter, Ministry), (package.Kind, package.Recipient));
        Assert.Contains("Официальное письмо → " + Ministry, WebUtility.HtmlDecode(await staff.GetAsync($"/office/appeals/{a.Id}")));

        // The controller sees what was sent, but sending is the executing staff's (or the centre moderator's).
        using var head = await FormSession.SignInAsync(app, controller);
        var seen = WebUtility.HtmlDecode(await head.GetAsync($"/office/appeals/{a.Id}"));
        Assert.Contains("Официальное письмо → " + Ministry, seen);
        Assert.DoesNotContain("Направить пакет", seen);
    }
}
