using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Otklik.Features.Appeals;
using Otklik.Features.Directory;
using Otklik.Features.Mail;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;

namespace Otklik.BrowserTests;

/// <summary>
/// Issue 21 item 2: two app nodes on one PostgreSQL behind Debian's nginx running the site of deploy/nginx (TLS,
/// forwarded headers, the /hubs WebSocket location) — the balanced address, and one address pinned to each node so the
/// test can say which node answers. A change on node A is seen on node B at once (a public page, a role, a rule), a file
/// uploaded through A is downloaded through B, a live notice raised on A reaches a browser connected to B (the bell polls
/// once an hour here, so only the push can move it), and the outbox work of both nodes is done once.
/// </summary>
public sealed class TwoNodesBehindNginxTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task Two_nodes_behind_nginx_share_changes_files_live_notices_and_jobs()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Otklik:FileStore"] = "Database",
            ["Otklik:ForwardedHeaders:KnownProxies"] = "127.0.0.1",
            ["Otklik:Notices:PollSeconds"] = "3600",
        };
        await using var a = await TestApp.StartAsync(Engine.Postgres, settings: settings);
        await using var b = await a.SecondNodeAsync(new Dictionary<string, string?> { ["Otklik:Files"] = Path.Combine(Path.GetTempPath(), "otklik-tests", $"b-{Guid.NewGuid():N}") });
        await using var nginx = await Nginx.StartAsync(a.BaseAddress, b.BaseAddress);
        var r = a.Region;

        // The balanced address (the shipped upstream over both nodes) serves the site.
        using (var any = nginx.Client(nginx.Both))
            for (var i = 0; i < 4; i++) await any.GetAsync("/health").Expect(HttpStatusCode.OK);

        // 1. A public page masked through A is served masked through B.
        var appeal = await a.AppealInAsync(AppealStatus.Registered,
            PublicSupport.Published(r, 0, "Сосед Сидорчук из квартиры 5 сливает отработанное масло во дворе дома 10 на улице Первой."));
        using var anonymousB = nginx.Client(nginx.NodeB);
        Assert.Contains("Сидорчук", await anonymousB.GetStringAsync($"/appeals/{appeal.Number}"));
        using (var moderatorA = nginx.Client(nginx.NodeA, r.KeyOf(Persona.CentreModerator)))
            await moderatorA.PostAsJsonAsync($"/api/v1/appeals/{appeal.Id}/public-text",
                new { text = "Сосед *** из квартиры *** сливает отработанное масло во дворе дома 10 на улице Первой.", version = appeal.Version }, HttpExtensions.Options)
                .Expect(HttpStatusCode.OK);
        await SoonAsync(async () => !(await anonymousB.GetStringAsync($"/appeals/{appeal.Number}")).Contains("Сидорчук"), "node B serves the page unmasked");

        // 2. A role given and taken away through A is honoured and refused through B.
        var person = r.IdOf(Persona.MunBExecutor);
        using var adminA = nginx.Client(nginx.NodeA, r.KeyOf(Persona.RegionAdmin));
        using var executorB = nginx.Client(nginx.NodeB, r.KeyOf(Persona.MunBExecutor));
        await executorB.GetAsync("/api/v1/people").Expect(HttpStatusCode.Forbidden);
        await adminA.PutAsJsonAsync($"/api/v1/people/{person}/roles", new[] { new { role = Role.Administrator, organisationId = r.MunB } }, HttpExtensions.Options).Expect(HttpStatusCode.OK);
        await SoonAsync(async () => (await executorB.GetAsync("/api/v1/people")).StatusCode == HttpStatusCode.OK, "node B refuses the role given on A");
        await adminA.PutAsJsonAsync($"/api/v1/people/{person}/roles", new[] { new { role = Role.Executor, organisationId = r.MunB } }, HttpExtensions.Options).Expect(HttpStatusCode.OK);
        await SoonAsync(async () => (await executorB.GetAsync("/api/v1/people")).StatusCode == HttpStatusCode.Forbidden, "node B honours the role taken away on A");

        // 3. A deadline rule added through A is used by node B's next intake.
        await b.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r));
        await adminA.PostAsJsonAsync("/api/v1/deadline-rules",
            new { stage = "answer", regime = "businessConsultation", topicId = r.SubsidyTopic, policy = "working-hours:8" }, HttpExtensions.Options).Expect(HttpStatusCode.Created);
        await SoonAsync(async () => (await b.AppealInAsync(AppealStatus.InWork, Samples.Subsidy(r))).AnswerPolicy == "working-hours:8", "node B counts by the old rule");

        // 4. A file uploaded through A is downloaded through B.
        var png = Png();
        Guid photo;
        using (var applicantA = nginx.Client(nginx.NodeA, r.KeyOf(Persona.Applicant)))
        {
            var file = new ByteArrayContent(png);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            using var form = new MultipartFormDataContent { { file, "file", "яма.png" } };
            var uploaded = await applicantA.PostAsync("/api/v1/attachments", form).Expect(HttpStatusCode.Created);
            photo = (await uploaded.Content.ReadFromJsonAsync<Otklik.Features.Attachments.AttachmentsApi.AttachmentView>(HttpExtensions.Options))!.Id;
        }
        using (var applicantB = nginx.Client(nginx.NodeB, r.KeyOf(Persona.Applicant)))
            Assert.Equal(png, await (await applicantB.GetAsync($"/api/v1/attachments/{photo}").Expect(HttpStatusCode.OK)).Content.ReadAsByteArrayAsync());

        // 5. A notice raised on A reaches the bell of a browser connected (through nginx, WebSocket) to B.
        var page = await browser.SignInAsync(a, Persona.MunAExecutor, site: nginx.NodeB);
        var bell = page.Locator("[data-notices]");
        await Assertions.Expect(bell).ToHaveAttributeAsync("data-live-state", "connected", new() { Timeout = 30_000 });
        var before = int.Parse(await bell.Locator("[data-unread-count]").InnerTextAsync());
        var assigned = await a.AppealInAsync(AppealStatus.Assigned, Samples.Pothole(r));
        Assert.Equal(r.IdOf(Persona.MunAExecutor), assigned.AssigneeId);
        var watch = Stopwatch.StartNew();
        await a.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync();
        await Assertions.Expect(bell.Locator("[data-unread-count]")).ToHaveTextAsync((before + 1).ToString(), new() { Timeout = 10_000 });
        var pushed = watch.Elapsed;
        await Browser.ShotAsync(page, a, "two-nodes-live-notice-on-b");

        // 6. Both nodes' dispatchers on one backlog: every notice written once, every letter sent once.
        for (var i = 0; i < 6; i++) await a.AppealInAsync(AppealStatus.Assigned, Samples.Pothole(r));
        var da = a.Services.GetRequiredService<OutboxDispatcher>();
        var db = b.Services.GetRequiredService<OutboxDispatcher>();
        await Task.WhenAll(Task.Run(() => da.RunOnceAsync()), Task.Run(() => db.RunOnceAsync()), Task.Run(() => da.RunOnceAsync()), Task.Run(() => db.RunOnceAsync()));
        await Assertions.Expect(bell.Locator("[data-unread-count]")).ToHaveTextAsync((before + 7).ToString(), new() { Timeout = 10_000 });
        var notices = await a.WithDbAsync(x => x.Notifications.Where(n => n.PersonId == r.IdOf(Persona.MunAExecutor)).GroupBy(n => n.SourceMessageId).Select(g => g.Count()).ToListAsync());
        Assert.All(notices, n => Assert.Equal(1, n));
        // Every outbox message done, each by one claim (a message claimed twice would count two attempts).
        var outbox = await a.WithDbAsync(x => x.Outbox.Select(m => new { m.Type, m.ProcessedAtUtc, m.Attempts }).ToListAsync());
        Assert.All(outbox, m => Assert.True(m.ProcessedAtUtc is not null && m.Attempts == 1, $"{m.Type}: processed {m.ProcessedAtUtc}, {m.Attempts} attempts"));
        await Browser.ShotAsync(page, a, "two-nodes-seven-notices-on-b");
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "otklik-two-nodes.txt"), $"live notice on A → bell on B: {pushed.TotalMilliseconds:0} ms (dispatcher run included)");
    }

    static async Task SoonAsync(Func<Task<bool>> seen, string failure)
    {
        var watch = Stopwatch.StartNew();
        while (!await seen())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), failure + " 5 s after the change");
            await Task.Delay(20);
        }
    }

    static byte[] Png() => Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==");
}

/// <summary>
/// Debian's nginx with the shipped site (deploy/nginx/otklik.conf, otklik-proxy.conf) in a throwaway prefix: the TLS
/// server three times — over both nodes (the shipped upstream), and pinned to each — with a self-signed certificate.
/// </summary>
sealed class Nginx : IAsyncDisposable
{
    readonly string _dir;
    readonly Process _process;
    public Uri Both { get; }
    public Uri NodeA { get; }
    public Uri NodeB { get; }

    Nginx(string dir, Process process, int both, int a, int b)
    {
        (_dir, _process) = (dir, process);
        (Both, NodeA, NodeB) = (new($"https://127.0.0.1:{both}/"), new($"https://127.0.0.1:{a}/"), new($"https://127.0.0.1:{b}/"));
    }

    public static async Task<Nginx> StartAsync(Uri a, Uri b)
    {
        var nginx = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : throw new InvalidOperationException("nginx is not installed: run the tests through scripts/test.sh, which installs it.");
        var dir = Directory.CreateTempSubdirectory("otklik-nginx.").FullName;
        var deploy = Path.Combine(Browser.RepositoryRoot(), "deploy", "nginx");
        await RunAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-keyout", Path.Combine(dir, "privkey.pem"), "-out", Path.Combine(dir, "fullchain.pem"));
        File.Copy(Path.Combine(deploy, "otklik-proxy.conf"), Path.Combine(dir, "otklik-proxy.conf"));
        File.WriteAllText(Path.Combine(dir, "otklik-upstream.conf"), $$"""
            upstream otklik { least_conn; server {{a.Authority}} max_fails=3 fail_timeout=10s; server {{b.Authority}} max_fails=3 fail_timeout=10s; keepalive 32; }
            upstream otklik_a { server {{a.Authority}}; keepalive 8; }
            upstream otklik_b { server {{b.Authority}}; keepalive 8; }
            """);
        var site = File.ReadAllText(Path.Combine(deploy, "otklik.conf"));
        var plain = site.IndexOf("\nserver {", StringComparison.Ordinal);
        var tls = site.IndexOf("\nserver {", plain + 1, StringComparison.Ordinal);
        var head = site[..plain].Replace("/etc/nginx/otklik-upstream.conf", Path.Combine(dir, "otklik-upstream.conf"));
        var server = Regex.Replace(site[tls..], @"^\s*listen \[::\].*\n", "", RegexOptions.Multiline)
            .Replace("/etc/nginx/otklik-proxy.conf", Path.Combine(dir, "otklik-proxy.conf"))
            .Replace("/etc/ssl/otklik", dir)
            .Replace("/opt/otklik/wwwroot", Path.Combine(Browser.RepositoryRoot(), "src", "Otklik", "wwwroot"));
        var (both, pa, pb) = (FreePort(), FreePort(), FreePort());
        string Server(int port, string upstream) => server.Replace("listen 443 ssl http2;", $"listen 127.0.0.1:{port} ssl http2;")
            .Replace("proxy_pass http://otklik;", $"proxy_pass http://{upstream};");
        Assert.Contains("listen 443 ssl http2;", server);
        File.WriteAllText(Path.Combine(dir, "site.conf"), head + Server(both, "otklik") + Server(pa, "otklik_a") + Server(pb, "otklik_b"));
        File.WriteAllText(Path.Combine(dir, "nginx.conf"), $$"""
            {{(Environment.UserName == "root" ? "user root;" : "")}}
            worker_processes 1;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/error.log;
            events { worker_connections 512; }
            http {
              include /etc/nginx/mime.types;
              access_log {{dir}}/access.log;
              client_body_temp_path {{dir}}/body;
              proxy_temp_path {{dir}}/proxy;
              fastcgi_temp_path {{dir}}/fastcgi;
              uwsgi_temp_path {{dir}}/uwsgi;
              scgi_temp_path {{dir}}/scgi;
              include {{dir}}/site.conf;
            }
            """);
        var process = Process.Start(new ProcessStartInfo(nginx, ["-p", dir, "-c", Path.Combine(dir, "nginx.conf"), "-g", "daemon off;"])
            { RedirectStandardError = true, UseShellExecute = false })!;
        var watch = Stopwatch.StartNew();
        foreach (var port in new[] { both, pa, pb })
            while (true)
            {
                try { using var tcp = new TcpClient(); await tcp.ConnectAsync("127.0.0.1", port); break; }
                catch (SocketException) when (watch.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited) { await Task.Delay(50); }
                catch (SocketException) { throw new InvalidOperationException("nginx did not start: " + await process.StandardError.ReadToEndAsync()); }
            }
        return new Nginx(dir, process, both, pa, pb);
    }

    public HttpClient Client(Uri site, string? apiKey = null)
    {
        var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
            { BaseAddress = site, Timeout = TimeSpan.FromMinutes(2) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    static async Task RunAsync(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"{file} failed: {await p.StandardError.ReadToEndAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
