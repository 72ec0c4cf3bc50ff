using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;
using Otklik.Features.Analytics;
using Otklik.Features.Addresses;
using Otklik.Features.Appeals;
using Otklik.Features.Attachments;
using Otklik.Features.Audit;
using Otklik.Features.Business;
using Otklik.Features.Deadlines;
using Otklik.Features.DemoRegion;
using Otklik.Features.Directory;
using Otklik.Features.Execution;
using Otklik.Features.Identity;
using Otklik.Features.Channels;
using Otklik.Features.Intake;
using Otklik.Features.Mail;
using Otklik.Features.Notifications;
using Otklik.Features.Knowledge;
using Otklik.Features.Moderation;
using Otklik.Features.Routing;
using Otklik.Features.Social;
using Otklik.Features.Roadmaps;
using Otklik.Features.Portal.Public;
using Otklik.Features.Portal.Accounts;
using Otklik.Features.Stats;
using Otklik.Features.WebPush;
using Otklik.Features.Workspace;
using Otklik.Infrastructure;
using Scalar.AspNetCore;

// `Otklik migrate` brings the database to this version's schema and exits (docs/operations.md, Upgrade).
var migrateOnly = args.Length > 0 && args[0] == "migrate";
// `Otklik import redmine …` (ADR 0026) runs against the configured database and exits; everything else is the server.
Otklik.Features.Exchange.Redmine.ImportCommand? command;
try { command = Otklik.Features.Exchange.Redmine.ImportCommand.Parse(args, Environment.GetEnvironmentVariable); }
catch (ArgumentException e) { Console.Error.WriteLine(e.Message); return 64; }
var hostArgs = command?.HostArgs ?? args;
// The app's own folder is its content root (configuration, wwwroot) wherever it is started from, unless configured.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = AppPaths.DefaultContentRoot(hostArgs) });
var config = builder.Configuration;
AppPaths.AnchorDataPaths(config, builder.Environment.ContentRootPath);
// A node that would be unsafe to expose (no public address, the demo seed in Production) says why and does not start.
if (StartupChecks.Refusals(builder.Environment, config) is { Count: > 0 } refusals)
{
    foreach (var refusal in refusals) Console.Error.WriteLine("Otklik cannot start: " + refusal);
    return 1;
}
var publicUrl = PublicUrl.From(config);
builder.Services.AddSingleton(publicUrl);

builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddOtklikDatabase(config);
builder.Services.AddHttpContextAccessor();
builder.Services.AddProblemDetails();
// Russian text is written as it is, not as HTML entities.
builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
    o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
builder.Services.AddDatabaseOutage();
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.Configure<JsonOptions>(o => Json.Configure(o.SerializerOptions));
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddOpenApi(OpenApiDescription.Configure);
builder.Services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database").AddCheck<MigrationsHealthCheck>("migrations", tags: ["ready"])
    .AddCheck<OutboxHealthCheck>("outbox", tags: ["ready"]);
builder.Services.AddOtklikTelemetry(config);

builder.Services.AddIdentityCore<Person>(o =>
    {
        o.User.RequireUniqueEmail = true;
        o.Password.RequiredLength = 8;
        o.Password.RequireNonAlphanumeric = false;
        // No hard lockout: anyone could lock a staff member out with a few wrong passwords. Failures are slowed per
        // address and account instead (SignInThrottling, ADR 0015); the count is kept for the record.
        o.Lockout.MaxFailedAccessAttempts = int.MaxValue;
    })
    .AddEntityFrameworkStores<AppDbContext>()
    .AddDefaultTokenProviders();
builder.Services.AddDataProtection().PersistKeysToDbContext<AppDbContext>().SetApplicationName("Otklik");
builder.Services.AddAuthentication(o => o.DefaultScheme = "Otklik")
    .AddPolicyScheme("Otklik", "Cookie or API key", o => o.ForwardDefaultSelector = http =>
        http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? ApiKeyAuthenticationHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(o =>
    {
        o.Cookie.Name = CrossSiteGuard.SessionCookie;
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.SlidingExpiration = true;
        o.LoginPath = "/office/login";
        // The API answers 401/403 as ProblemDetails; the pages send a person to the sign-in page.
        o.Events.OnRedirectToLogin = c =>
        {
            if (IsApi(c.Request)) c.Response.StatusCode = 401;
            else if (c.Request.Path.StartsWithSegments("/office")) c.Response.Redirect(c.RedirectUri);
            // The portal has its own sign-in page for applicants.
            else c.Response.Redirect("/account/login?ReturnUrl=" + Uri.EscapeDataString(c.Request.Path + c.Request.QueryString));
            return Task.CompletedTask;
        };
        o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = 403; return Task.CompletedTask; };
        // A cookie lives only as long as the person's security stamp: sign-out and a new password end every session.
        o.Events.OnValidatePrincipal = SignIn.ValidateSessionAsync;
    })
    .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
builder.Services.AddAuthorization();
builder.Services.AddRazorPages(o =>
{
    // Pages live in their feature folders (Features/Workspace/...), each with an explicit route.
    o.RootDirectory = "/Features";
    o.Conventions.AuthorizeFolder("/Workspace");
});

builder.Services.AddSingleton<ClusterSignals>();
builder.Services.AddHostedService<ClusterListener>();
builder.Services.AddSingleton<OrganisationTree>();
builder.Services.AddSingleton<Otklik.Features.Stats.DashboardCache>();
builder.Services.AddSingleton<Otklik.Features.Analytics.AnalyticsCache>();
builder.Services.AddScoped<Otklik.Features.Analytics.ISatisfactionSource, Otklik.Features.Surveys.SurveySatisfactionSource>();
builder.Services.AddSingleton<TerritoryLocator>();
builder.Services.AddSingleton<Otklik.Features.Alerts.AlertTokens>();
builder.Services.AddSingleton<DeadlineClocks>();
builder.Services.AddSingleton<IntakeWriter>();
builder.Services.AddScoped<SubmitAppeal>();
builder.Services.AddSingleton<AccessCache>();
builder.Services.AddScoped<CurrentUser>();
builder.Services.AddSingleton<SignInThrottling>();
builder.Services.AddScoped<AppealChanges>();
builder.Services.AddSingleton<Otklik.Features.Webhooks.WebhookDispatcher>();
builder.Services.AddHttpClient(Otklik.Features.Webhooks.WebhookDispatcher.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
builder.Services.AddAutoRules();
builder.Services.AddWebPush(config);
builder.Services.AddRoadmaps(config);
builder.Services.AddPortalPublic();
builder.Services.AddOtklikMail(config);
builder.Services.AddPortalAccounts(config);
builder.Services.AddKnowledge(config);
builder.Services.AddAudit(config);
builder.Services.AddUploads(config);
builder.Services.AddMailIntake(config);
builder.Services.AddNotifications(config);
Otklik.Features.Teamwork.TeamDigest.AddTeamwork(builder.Services, config);
builder.Services.AddAddresses(config);
builder.Services.AddSocialChannels(config);
builder.Services.AddSingleton<Otklik.Features.Platforms.PlatformDirectory>();
builder.Services.AddScoped<Otklik.Features.Platforms.PlatformRelay>();
builder.Services.AddScoped<Otklik.Features.Mail.IOutboxRelay>(sp => sp.GetRequiredService<Otklik.Features.Platforms.PlatformRelay>());
builder.Services.AddSingleton(Otklik.Features.Exchange.Msed.MsedSettings.From(builder.Configuration));
builder.Services.AddHttpClient(Otklik.Features.Exchange.Msed.HttpDocumentExchange.Client, c => c.Timeout = TimeSpan.FromSeconds(60));
builder.Services.AddScoped<Otklik.Features.Exchange.Msed.IDocumentExchange, Otklik.Features.Exchange.Msed.HttpDocumentExchange>();
builder.Services.AddScoped<Otklik.Features.Exchange.Msed.MsedRelay>();
builder.Services.AddScoped<Otklik.Features.Mail.IOutboxRelay>(sp => sp.GetRequiredService<Otklik.Features.Exchange.Msed.MsedRelay>());
builder.Services.AddBusinessPortal(config);
// The files' bytes: on disk (one node) or in the database every node shares (Otklik:FileStore, ADR 0046).
builder.Services.AddSingleton(FileStores.From(config));
if (config.GetValue("Otklik:Workers", true))
{
    builder.Services.AddHostedService<ClarificationSweep>();
    builder.Services.AddHostedService<DeadlineWatch>();
    builder.Services.AddHostedService<Otklik.Features.Webhooks.WebhookDispatchService>();
    builder.Services.AddHostedService<Otklik.Features.Portal.My.RatingSweep>();
    builder.Services.AddHostedService<Otklik.Features.Portal.Submit.PendingAppealSweep>();
    builder.Services.AddHostedService<Otklik.Features.Analytics.SpikeWatch>();
    builder.Services.AddHostedService<Otklik.Features.Analytics.RootCauseWatch>();
    builder.Services.AddHostedService<Otklik.Features.Analytics.ReportSchedule>();
    builder.Services.AddHostedService<Otklik.Features.Analytics.InformingSweep>();
    builder.Services.AddHostedService<Otklik.Features.Alerts.AlertSweep>();
    builder.Services.AddHostedService<Otklik.Features.Discussions.DiscussionSweep>();
}

var app = builder.Build();
Otklik.Features.Portal.Public.PublicCache.EvictOnSignal(app.Services);

if (Otklik.Infrastructure.ForwardedHeaders.Options(config) is { } forwarded) app.UseForwardedHeaders(forwarded);
// Every cookie (session, antiforgery, the external sign-in, the contrast switch) is Secure when the site is served over
// https, even when a TLS proxy hands the request on over plain HTTP.
app.UseSecurityHeaders();
app.UseCookiePolicy(new CookiePolicyOptions { Secure = publicUrl.IsHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest });
// A browser gets the error page (ProblemExceptionHandler declines HTML requests); the API gets ProblemDetails.
app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/error/500" });
app.UseStatusCodePages(async context =>
{
    var http = context.HttpContext;
    if (http.Response.HasStarted || http.Response.ContentLength > 0 || http.Response.ContentType is not null) return;
    var status = http.Response.StatusCode;
    await Problems.WriteAsync(http.RequestServices.GetRequiredService<IProblemDetailsService>(), http, status, Problems.CodeFor(status),
        Problems.TitleFor(status), Problems.TitleFor(status) + ".", null);
});
// Inside the JSON writer above, so that a browser's page is drawn first and the writer then sees a body and stays out;
// every request that is not a browser asking for a page switches this one off and keeps the JSON.
app.UseStatusCodePagesWithReExecute(ErrorPages.Path);
app.Use((http, next) =>
{
    if (!ErrorPages.WantsPage(http) && http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
    return next(http);
});
app.UseStaticFiles();
app.MapOtklikMetrics(config);
app.UseAuthentication();
app.UseCrossSiteGuard();
app.UseAuthorization();
app.UseFormCleaning();
app.UsePortalPublic();
app.UsePortalAccounts();

app.MapOpenApi("/openapi/{documentName}.json");
// The viewer's own fonts come from fonts.scalar.com: off, so that it loads nothing from elsewhere (and works offline).
app.MapScalarApiReference("/api-docs", o => o.WithTitle("Otklik API").WithOpenApiRoutePattern("/openapi/{documentName}.json").DisableDefaultFonts());
app.MapHealthChecks("/health", new() { Predicate = _ => false });
app.MapHealthChecks("/health/ready");

var api = app.MapGroup("/api/v1").AddEndpointFilterFactory(InputGuard.Factory);
api.MapAuthApi();
api.MapIntakeApi();
api.MapAttachmentsApi();
api.MapApplicantLookupApi();
api.MapLikelyDuplicatesApi();
api.MapQueueCountersApi();
api.MapExecutorLoadApi();
api.MapExportApi();
api.MapAppealsApi();
api.MapExecutionApi();
api.MapModerationApi();
api.MapBulkApi();
api.MapDirectoryApi();
api.MapCalendarApi();
api.MapRoutingApi();
api.MapRoadmapsApi();
api.MapStatsApi();
api.MapAnalyticsApi();
api.MapKnowledgeApi();
api.MapAuditApi();
api.MapNotificationsApi();
api.MapAddressesApi();
api.MapNearbyAppealsApi();
api.MapOrganisationProfileApi();
api.MapSocialApi();
Otklik.Features.Platforms.PlatformsApi.MapPlatformsApi(api);
Otklik.Features.Exchange.Msed.MsedApi.MapMsedApi(api);
Otklik.Features.Open311.Open311Api.MapOpen311Api(app);
api.MapBusinessApi();
api.MapWebPushApi();
Otklik.Features.Discussions.DiscussionsApi.MapDiscussionsApi(api);
Otklik.Features.Teamwork.TeamworkApi.MapTeamworkApi(api);
app.MapRazorPages();
app.MapLiveNotices();
app.MapWorkspaceEndpoints();
app.MapPortalPublic();
Otklik.Features.Shared.MapTiles.MapMapTiles(app);

await using (var scope = app.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
    // A database that cannot be reached, or lacks this version's migrations, stops the start with one clear line.
    if (await StartupChecks.PrepareDatabaseAsync(db, config, migrateOnly, CancellationToken.None) is { } refusal)
    {
        Console.Error.WriteLine("Otklik cannot start: " + refusal);
        return 1;
    }
    await DeadlineData.EnsureAsync(db, scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, CancellationToken.None);
    if (args.Length > 0 && args[0] == "import-files")
        return await FileStores.ImportFromDiskAsync(config, Console.Out, CancellationToken.None);
    if (args.Length > 0 && args[0] == "first-admin")
        return await FirstAdministrator.RunAsync(scope.ServiceProvider, config, scope.ServiceProvider.GetRequiredService<TimeProvider>(), CancellationToken.None);
    if (migrateOnly)
    {
        Console.WriteLine($"Otklik: the database is at migration {(await db.Database.GetAppliedMigrationsAsync()).LastOrDefault()}.");
        return 0;
    }
    if (config.GetValue("Otklik:DemoSeed", false))
        await DemoSeed.EnsureAsync(scope.ServiceProvider, app.Logger, CancellationToken.None);
}
if (command is not null)
{
    using var interrupted = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; interrupted.Cancel(); };
    return await command.RunAsync(app.Services, Console.Out, interrupted.Token);
}

await app.RunAsync();
return 0;

static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/office/counters");
