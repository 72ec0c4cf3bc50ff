using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Otklik.Tests.Infrastructure;
using Otklik.Tests.Portal;

namespace Otklik.Tests.Security;

/// <summary>Issue 14, items 1 and 12: links in letters come from the configured public address; an unsafe Production node does not start.</summary>
public sealed class PublicUrlTests
{
    const string Public = "http://portal.otklik.example";

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_reset_letter_links_to_the_public_address_whatever_Host_the_form_was_posted_with(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine, settings: new Dictionary<string, string?> { ["Otklik:PublicUrl"] = Public + "/" });
        using var session = new PortalSession(app);
        var email = MailBox.NewAddress("victim");
        var confirm = await AccountPagesTests.RegisterAsync(app, session, email);
        Assert.StartsWith(Public + "/account/confirm?", confirm);

        // The attacker posts the genuine form for the victim's address, naming a host of their own.
        using var attacker = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        var form = await (await attacker.GetAsync("/account/forgot")).Content.ReadAsStringAsync();
        var token = FormSession.TokenIn(form) ?? "";
        var stamp = Regex.Match(form, "name=\"formIssued\" value=\"([^\"]+)\"").Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/forgot")
        {
            Content = new FormUrlEncodedContent([new("Email", email), new("__RequestVerificationToken", token), new("formIssued", stamp), new("website", "")]),
        };
        post.Headers.Host = "evil.example";
        var sent = await attacker.SendAsync(post);
        Assert.Contains("id=\"forgot-done\"", await sent.Content.ReadAsStringAsync());

        await app.DispatchMailAsync();
        var letter = (await app.Mail.WaitForAsync(email, m => m.Subject == "Восстановление пароля")).TextOf();
        Assert.StartsWith(Public + "/account/reset?", AccountPagesTests.LinkIn(letter, "/account/reset"));
        Assert.DoesNotContain("evil.example", letter);
    }

    [Fact]
    public async Task Production_refuses_to_start_without_the_public_address_or_with_the_demo_seed()
    {
        var (code, error) = await RunAppAsync(new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
        Assert.Equal(1, code);
        Assert.Contains("Otklik cannot start: Otklik:PublicUrl is not set", error);

        (code, error) = await RunAppAsync(new() { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Otklik__PublicUrl"] = "https://otklik.example", ["Otklik__DemoSeed"] = "true" });
        Assert.Equal(1, code);
        Assert.Contains("Otklik cannot start: Otklik:DemoSeed is on in Production", error);

        (code, error) = await RunAppAsync(new() { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Otklik__PublicUrl"] = "otklik.example" });
        Assert.Equal(1, code);
        Assert.Contains("Otklik:PublicUrl must be the site's absolute public address", error);
    }

    /// <summary>The built app as a process (its checks run before the database is touched); killed if it starts after all.</summary>
    static async Task<(int Code, string Error)> RunAppAsync(Dictionary<string, string> environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Otklik.dll");
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = AppContext.BaseDirectory, RedirectStandardError = true, RedirectStandardOutput = true,
        };
        info.Environment["Database__Provider"] = "Sqlite";
        info.Environment["ConnectionStrings__Otklik"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"otklik-start-{Guid.NewGuid():N}.db")}";
        info.Environment["Otklik__Workers"] = "false";
        foreach (var (k, v) in environment) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The app started where it had to refuse.");
        }
        return (process.ExitCode, await error);
    }
}
