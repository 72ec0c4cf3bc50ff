using System.Globalization;
using System.Net.Mail;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Attachments;
using Otklik.Features.Directory;
using Otklik.Features.Mail;
using Otklik.Infrastructure;

namespace Otklik.Features.Portal.Accounts;

/// <summary>
/// The portal's accounts: confirmation and reset tokens that expire (timed by the app's clock), the bot check, the rate
/// limits of public forms, the profile photo endpoint and, when configured, an external OpenID Connect sign-in.
/// </summary>
public static class PortalAccounts
{
    public const string AccountsPolicy = "portal-accounts";
    public const string SubmitPolicy = "portal-submit";
    public const string ExternalScheme = "external";
    public const string OidcScheme = "oidc";
    public static readonly TimeSpan TokenLifespan = TimeSpan.FromHours(24);

    public static IServiceCollection AddPortalAccounts(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<BotCheck>();
        services.AddTransient<ClockedTokenProvider>();
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TokenLifespan);
        services.Configure<IdentityOptions>(o =>
        {
            o.Tokens.ProviderMap[ClockedTokenProvider.Name] = new TokenProviderDescriptor(typeof(ClockedTokenProvider));
            o.Tokens.EmailConfirmationTokenProvider = ClockedTokenProvider.Name;
            o.Tokens.PasswordResetTokenProvider = ClockedTokenProvider.Name;
            o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
        });
        AddRateLimits(services, config);
        if (config["Otklik:Oidc:Authority"] is { Length: > 0 } authority)
            services.AddAuthentication()
                .AddCookie(ExternalScheme, o => o.Cookie.Name = "otklik-external")
                .AddOpenIdConnect(OidcScheme, config["Otklik:Oidc:DisplayName"] ?? "Внешний вход", o =>
                {
                    o.Authority = authority;
                    o.ClientId = config["Otklik:Oidc:ClientId"];
                    o.ClientSecret = config["Otklik:Oidc:ClientSecret"];
                    o.ResponseType = "code";
                    o.SignInScheme = ExternalScheme;
                    o.CallbackPath = "/signin-oidc";
                    o.GetClaimsFromUserInfoEndpoint = true;
                    o.Scope.Add("email");
                    o.Scope.Add("profile");
                    o.MapInboundClaims = false;
                    // The provider sends the person back to the public address, not to whatever Host the request named.
                    o.Events.OnRedirectToIdentityProvider = c =>
                    {
                        c.ProtocolMessage.RedirectUri = c.HttpContext.RequestServices.GetRequiredService<PublicUrl>().Link(o.CallbackPath);
                        return Task.CompletedTask;
                    };
                });
        return services;
    }

    public static bool OidcEnabled(IConfiguration config) => !string.IsNullOrEmpty(config["Otklik:Oidc:Authority"]);

    /// <summary>The rate limiter (after authentication, so a signed-in person is limited as a person) and the accounts' endpoints.</summary>
    public static WebApplication UsePortalAccounts(this WebApplication app)
    {
        app.UseRateLimiter();
        app.MapGet("/account/photo", Photo).RequireAuthorization().ExcludeFromDescription();
        app.MapGet("/account/external", External).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/account/external/done", ExternalDone).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    // ---- Rate limits ----

    static void AddRateLimits(IServiceCollection services, IConfiguration config)
    {
        var accounts = config.GetValue("Otklik:RateLimits:AccountsPerMinute", 10);
        var submit = config.GetValue("Otklik:RateLimits:SubmitPerMinute", 5);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Only sending a form counts: reading the page is free.
            o.AddPolicy(AccountsPolicy, http => HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
                ? RateLimitPartition.GetNoLimiter("read")
                : Window("ip:" + http.Connection.RemoteIpAddress, accounts));
            o.AddPolicy(SubmitPolicy, http => HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
                ? RateLimitPartition.GetNoLimiter("read")
                : Window(http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id ? "user:" + id : "ip:" + http.Connection.RemoteIpAddress, submit));
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                const string title = "Слишком много запросов";
                var detail = $"С вашего адреса отправлено слишком много форм. Повторите попытку через {seconds} с.";
                if (http.Request.Path.StartsWithSegments("/api"))
                {
                    await Problems.WriteAsync(http.RequestServices.GetRequiredService<Microsoft.AspNetCore.Http.IProblemDetailsService>(), http,
                        StatusCodes.Status429TooManyRequests, "rate_limited", title, detail, null);
                    return;
                }
                http.Response.ContentType = "text/html; charset=utf-8";
                await http.Response.WriteAsync($"""
                    <!DOCTYPE html>
                    <html lang="ru"><head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />
                    <title>{title} — Отклик</title><link rel="stylesheet" href="/css/site.css" /><link rel="stylesheet" href="/css/portal.css" /></head>
                    <body class="portal"><main id="main"><h1>{title}</h1><p class="error-box" role="alert">{detail}</p>
                    <p><a href="{System.Net.WebUtility.HtmlEncode(http.Request.Path.Value)}">Вернуться к форме</a> · <a href="/">На главную</a></p></main></body></html>
                    """, ct);
            };
        });
    }

    static RateLimitPartition<string> Window(string key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits), Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        });

    // ---- Mail ----

    /// <summary>Writes the confirmation letter (a link with an expiring token) to the outbox and wakes the dispatcher.</summary>
    public static async Task QueueConfirmationAsync(HttpContext http, UserManager<Person> users, AppDbContext db, Person person, CancellationToken ct,
        string? returnUrl = null)
    {
        var token = await users.GenerateEmailConfirmationTokenAsync(person);
        // The page the person was going to rides along, so that the confirmation brings them back to it.
        var back = LocalOr(returnUrl, "") is { Length: > 0 } local ? "&returnUrl=" + Uri.EscapeDataString(local) : "";
        await QueueAsync(http, db, Mail.MessageTypes.AccountConfirm, person, $"/account/confirm?userId={person.Id:N}&token={Uri.EscapeDataString(token)}{back}", ct);
    }

    /// <summary>The letter whose link confirms the address and sends the appeal a visitor filled in before signing in.</summary>
    public static Task QueuePendingAppealAsync(HttpContext http, AppDbContext db, Person person, Guid pendingId, string token, CancellationToken ct) =>
        QueueAsync(http, db, Mail.MessageTypes.PendingAppealConfirm, person, $"/submit/confirm?id={pendingId:N}&token={token}", ct);

    public static async Task QueueResetAsync(HttpContext http, UserManager<Person> users, AppDbContext db, Person person, CancellationToken ct)
    {
        var token = await users.GeneratePasswordResetTokenAsync(person);
        await QueueAsync(http, db, Mail.MessageTypes.AccountReset, person, $"/account/reset?userId={person.Id:N}&token={Uri.EscapeDataString(token)}", ct);
    }

    /// <summary>Someone registered with an address that already has an account: its owner is told, with the way to sign in or reset.</summary>
    public static Task QueueExistingAsync(HttpContext http, AppDbContext db, Person owner, CancellationToken ct) =>
        QueueAsync(http, db, Mail.MessageTypes.AccountExists, owner, "/account/forgot?email=" + Uri.EscapeDataString(owner.Email ?? ""), ct);

    static async Task QueueAsync(HttpContext http, AppDbContext db, Mail.MessageType type, Person person, string pathAndQuery, CancellationToken ct)
    {
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        // Never from the request's Host header: its sender chooses it, and the link carries the token.
        var link = http.RequestServices.GetRequiredService<PublicUrl>().Link(pathAndQuery);
        db.Outbox.Add(OutboxMessage.Create(type, new { email = person.Email, name = person.FirstName, link }, null, now));
        await db.SaveChangesAsync(ct);
        http.RequestServices.GetRequiredService<OutboxDispatcher>().Nudge();
    }

    // ---- Shared checks of the account forms ----

    public static bool IsEmail(string? email) =>
        email is { Length: > 0 and <= 200 } && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email;

    /// <summary>Identity's refusals in Russian, keyed by the form field they belong to.</summary>
    public static void AddIdentityErrors(Dictionary<string, string> errors, IEnumerable<IdentityError> identity, string passwordField)
    {
        foreach (var e in identity)
        {
            var (field, text) = e.Code switch
            {
                nameof(IdentityErrorDescriber.PasswordTooShort) => (passwordField, "Пароль — не короче 8 символов."),
                nameof(IdentityErrorDescriber.PasswordRequiresDigit) => (passwordField, "В пароле нужна хотя бы одна цифра."),
                nameof(IdentityErrorDescriber.PasswordRequiresLower) => (passwordField, "В пароле нужна хотя бы одна строчная буква."),
                nameof(IdentityErrorDescriber.PasswordRequiresUpper) => (passwordField, "В пароле нужна хотя бы одна заглавная буква."),
                nameof(IdentityErrorDescriber.PasswordRequiresUniqueChars) => (passwordField, "В пароле слишком мало разных символов."),
                nameof(IdentityErrorDescriber.PasswordMismatch) => ("CurrentPassword", "Текущий пароль указан неверно."),
                nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName) =>
                    ("Email", "Этот адрес уже зарегистрирован: войдите или восстановите пароль."),
                nameof(IdentityErrorDescriber.InvalidEmail) or nameof(IdentityErrorDescriber.InvalidUserName) => ("Email", "Неверный адрес электронной почты."),
                nameof(IdentityErrorDescriber.InvalidToken) => ("", "Ссылка недействительна или устарела."),
                _ => ("", "Не удалось сохранить: " + e.Description),
            };
            if (!errors.ContainsKey(field)) errors[field] = text;
        }
    }

    // ---- The profile photo: only its owner sees it ----

    static async Task<IResult> Photo(CurrentUser user, AppDbContext db, IFileStore files, HttpContext http, CancellationToken ct)
    {
        var id = user.RequiredId;
        var photo = await db.Users.AsNoTracking().Where(p => p.Id == id).Select(p => p.PhotoAttachmentId).SingleOrDefaultAsync(ct);
        var a = photo is null ? null : await db.Attachments.AsNoTracking().SingleOrDefaultAsync(x => x.Id == photo && x.UploadedById == id, ct);
        if (a is null) return TypedResults.NotFound();
        var stream = await files.OpenAsync(a.StorageKey, ct);
        if (stream is null) return TypedResults.NotFound();
        http.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(stream, a.ContentType);
    }

    // ---- External sign-in (OpenID Connect, e.g. ЕСИА through a gateway), off unless configured ----

    static IResult External(HttpContext http, IConfiguration config, string? returnUrl)
    {
        if (!OidcEnabled(config)) return TypedResults.NotFound();
        var back = LocalOr(returnUrl, "/");
        return TypedResults.Challenge(new AuthenticationProperties { RedirectUri = "/account/external/done?returnUrl=" + Uri.EscapeDataString(back) }, [OidcScheme]);
    }

    /// <summary>The provider vouches for the e-mail: the person is found by it (or registered as an applicant) and signed in.</summary>
    static async Task<IResult> ExternalDone(HttpContext http, IConfiguration config, UserManager<Person> users, TimeProvider clock, string? returnUrl)
    {
        if (!OidcEnabled(config)) return TypedResults.NotFound();
        var external = await http.AuthenticateAsync(ExternalScheme);
        var email = external.Principal?.FindFirstValue("email");
        if (!external.Succeeded || !IsEmail(email)) return TypedResults.Redirect("/account/login?external=failed");
        var person = await users.FindByEmailAsync(email!);
        if (person is null)
        {
            person = new Person
            {
                Id = Guid.CreateVersion7(), UserName = email, Email = email, EmailConfirmed = true, CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
                LastName = external.Principal!.FindFirstValue("family_name") ?? "", FirstName = external.Principal.FindFirstValue("given_name") ?? "",
                MiddleName = external.Principal.FindFirstValue("middle_name"),
                Roles = [new RoleAssignment { Id = Guid.CreateVersion7(), Role = Role.Applicant }],
            };
            if (!(await users.CreateAsync(person)).Succeeded) return TypedResults.Redirect("/account/login?external=failed");
        }
        await http.SignOutAsync(ExternalScheme);
        await Identity.SignIn.IssueCookieAsync(http, person);
        return TypedResults.LocalRedirect(LocalOr(returnUrl, "/"));
    }

    /// <summary>
    /// <paramref name="url"/> when it is a path of this site, else <paramref name="fallback"/>: the same test as
    /// LocalRedirect's (no scheme-relative "//" or "/\\", no control characters such as a tab, which browsers drop and
    /// which would otherwise make LocalRedirect throw).
    /// </summary>
    public static string LocalOr(string? url, string fallback) =>
        url is { Length: > 0 } && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            && !url.Any(char.IsControl) ? url : fallback;
}
