using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Otklik.Features.Directory;
using Otklik.Tests.Infrastructure;

namespace Otklik.BrowserTests;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download: the package's driver with /usr/bin/chromium), one per
/// test class. Screenshots of every screen go to artifacts/screenshots/ at the repository root.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    IPlaywright? _playwright;
    public IBrowser Chromium { get; private set; } = null!;

    public static readonly string Screenshots = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("OTKLIK_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            // Chromium on Linux takes its interface language (date and file fields) from the environment, not from --lang.
            // Playwright's Env replaces the whole environment, so the process's own variables are passed on with it.
            Env = RussianEnvironment(),
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--disable-dev-shm-usage", "--lang=ru-RU"],
        });
    }

    static Dictionary<string, string> RussianEnvironment()
    {
        var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        env["LANGUAGE"] = "ru";
        env["LANG"] = "ru_RU.UTF-8";
        return env;
    }

    public async ValueTask DisposeAsync()
    {
        if (Chromium is not null) await Chromium.DisposeAsync();
        _playwright?.Dispose();
    }

    /// <summary>A fresh browser session signed in through the sign-in page as <paramref name="persona"/>.</summary>
    /// <param name="site">Another address of the app than its own socket (a proxy in front of it, with a test certificate).</param>
    public async Task<IPage> SignInAsync(TestApp app, Persona persona, string landing = "**/office", Uri? site = null)
    {
        await EnsurePasswordAsync(app, persona);
        var context = await Chromium.NewContextAsync(new() { BaseURL = (site ?? app.BaseAddress).ToString(), Locale = "ru-RU", ViewportSize = new() { Width = 1280, Height = 900 },
            IgnoreHTTPSErrors = site is not null });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/office/login");
        await page.GetByLabel("Электронная почта").FillAsync($"{persona}@test.example".ToLowerInvariant());
        await page.GetByLabel("Пароль").FillAsync(TestRegion.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
        await LandAsync(page, landing);
        return page;
    }

    /// <summary>A fresh portal session (a phone's width by default) signed in through /account/login, landing on <paramref name="returnUrl"/>.</summary>
    public async Task<IPage> SignInOnPortalAsync(TestApp app, Persona persona, string returnUrl, int width = 360, int height = 740)
    {
        await EnsurePasswordAsync(app, persona);
        var context = await Chromium.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "ru-RU", ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        await page.GetByLabel("Электронная почта").FillAsync($"{persona}@test.example".ToLowerInvariant());
        await page.GetByLabel("Пароль").FillAsync(TestRegion.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
        await LandAsync(page, "**" + returnUrl);
        return page;
    }

    /// <summary>
    /// Waits for the page after sign-in. The first request of a fresh test host can be slow when both test projects
    /// share two cores (CI once took over 30 s), so the wait is longer than Playwright's default, and a sign-in that
    /// really failed says where the browser stayed and what the page said, instead of a bare timeout.
    /// </summary>
    static async Task LandAsync(IPage page, string landing)
    {
        try
        {
            await page.WaitForURLAsync(landing, new() { Timeout = 90_000 });
        }
        catch (TimeoutException e)
        {
            var said = await page.Locator("[role=alert], .field-error, .validation-summary-errors").AllInnerTextsAsync();
            throw new InvalidOperationException($"Sign-in did not reach {landing}: the browser is at {page.Url}; the page says: «{string.Join(" | ", said)}».", e);
        }
    }

    public static async Task ShotAsync(IPage page, TestApp app, string name)
    {
        var folder = Path.Combine(Screenshots, app.Engine.ToString().ToLowerInvariant());
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    /// <summary>The test region gives most personas no password (hashing costs time); the browser signs in with one.</summary>
    static async Task EnsurePasswordAsync(TestApp app, Persona persona)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
        var person = await users.FindByIdAsync(app.Region.IdOf(persona).ToString()) ?? throw new InvalidOperationException($"No {persona}.");
        if (!await users.HasPasswordAsync(person)) Assert.True((await users.AddPasswordAsync(person, TestRegion.Password)).Succeeded);
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Otklik.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? AppContext.BaseDirectory;
    }
}
