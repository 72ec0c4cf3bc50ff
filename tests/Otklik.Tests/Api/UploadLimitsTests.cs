using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Data;
using Otklik.Features.Attachments;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>
/// Uploads before an appeal exists (issue 14, item 10): a rate and a daily quota per address and per account, refused
/// with 429 storing nothing, and a sweep of files never bound to an appeal.
/// </summary>
public sealed class UploadLimitsTests
{
    const string Upload = "/api/v1/attachments";
    static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01];

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Uploads_over_the_rate_are_refused_with_429_and_store_nothing(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?> { ["Otklik:Uploads:PerMinute"] = "2" });
        var anonymous = app.Anonymous();
        await anonymous.PostAsync(Upload, Form()).Expect(HttpStatusCode.Created);
        await anonymous.PostAsync(Upload, Form()).Expect(HttpStatusCode.Created);

        var refused = await anonymous.PostAsync(Upload, Form());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("attachment.rate_limited", (await refused.ProblemAsync()).GetProperty("code").GetString());
        Assert.True(refused.Headers.RetryAfter is not null);
        // The same address signed in as someone is still the same address.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await app.ClientAs(Persona.Applicant).PostAsync(Upload, Form())).StatusCode);

        Assert.Equal(2, await app.WithDbAsync(db => db.Attachments.CountAsync()));
        Assert.Equal(2, FilesOnDisk(app));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Uploads_over_the_daily_quota_are_refused_with_429_until_the_day_has_passed(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?> { ["Otklik:Uploads:FilesPerDay"] = "3" });
        var applicant = app.ClientAs(Persona.Applicant);
        for (var i = 0; i < 3; i++) await applicant.PostAsync(Upload, Form()).Expect(HttpStatusCode.Created);

        var refused = await applicant.PostAsync(Upload, Form());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("attachment.rate_limited", (await refused.ProblemAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.TooManyRequests, (await app.Anonymous().PostAsync(Upload, Form())).StatusCode);
        Assert.Equal(3, await app.WithDbAsync(db => db.Attachments.CountAsync()));
        Assert.Equal(3, FilesOnDisk(app));

        app.Clock.Advance(TimeSpan.FromHours(25));
        await applicant.PostAsync(Upload, Form()).Expect(HttpStatusCode.Created);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_sweep_removes_an_old_unbound_upload_and_keeps_a_bound_one_and_a_fresh_one(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var old = await UploadAsync(app);
        var bound = await UploadAsync(app);
        await app.SubmitAsync(Samples.Pothole(app.Region).With("attachmentIds", new[] { bound }));
        app.Clock.Advance(TimeSpan.FromHours(25));
        var fresh = await UploadAsync(app);
        var keys = await app.WithDbAsync(db => db.Attachments.ToDictionaryAsync(a => a.Id, a => a.StorageKey));

        var removed = await app.WithDbAsync(db => UnboundUploadSweep.RunOnceAsync(db, app.Services.GetRequiredService<IFileStore>(), TimeSpan.FromHours(24),
            app.Clock.GetUtcNow().UtcDateTime, CancellationToken.None));

        Assert.Equal(1, removed);
        var left = await app.WithDbAsync(db => db.Attachments.Select(a => a.Id).ToListAsync());
        Assert.Equal(new[] { bound, fresh }.Order(), left.Order());
        var store = app.Services.GetRequiredService<IFileStore>();
        Assert.Null(await store.OpenAsync(keys[old], CancellationToken.None));
        await using (var kept = await store.OpenAsync(keys[bound], CancellationToken.None)) Assert.NotNull(kept);
        await using (var kept = await store.OpenAsync(keys[fresh], CancellationToken.None)) Assert.NotNull(kept);
    }

    static MultipartFormDataContent Form()
    {
        var file = new ByteArrayContent(Jpeg);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent { { file, "file", "яма.jpg" } };
    }

    static async Task<Guid> UploadAsync(TestApp app)
    {
        var response = await app.ClientAs(Persona.Applicant).PostAsync(Upload, Form()).Expect(HttpStatusCode.Created);
        return (await response.ReadAsync<AttachmentsApi.AttachmentView>()).Id;
    }

    static int FilesOnDisk(TestApp app)
    {
        var root = app.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Otklik:Files"]!;
        return Directory.Exists(root) ? Directory.GetFiles(root, "*", SearchOption.AllDirectories).Length : 0;
    }
}
