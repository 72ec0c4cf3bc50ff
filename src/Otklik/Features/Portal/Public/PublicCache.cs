using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Otklik.Data;

namespace Otklik.Features.Portal.Public;

/// <summary>
/// Output caching of the public pages for anonymous visitors. Lists (home, feed, map, statistics and their data) carry the
/// tag <see cref="FeedTag"/>; an appeal's page carries <see cref="AppealTag"/> of its number. Any change of a published
/// appeal evicts both (<see cref="AppealChangedAsync"/>, called by the save pipeline of <see cref="Data.AppDbContext"/> after
/// the commit, whichever writer made the change: staff, intake, a sweep, the seed).
/// Signed-in people are never served from the cache and never fill it: their pages carry support buttons and forms.
/// </summary>
public static class PublicCache
{
    public const string Policy = "public-page";
    public const string FeedTag = "public-feed";
    public static string AppealTag(string number) => "public-appeal:" + number;

    /// <summary>A cached page is at most this old: the tags evict on changes, time only moves the "overdue" marks.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public static IServiceCollection AddPortalPublic(this IServiceCollection services)
    {
        services.AddOutputCache(o => o.AddPolicy(Policy, new PublicPagePolicy()));
        services.AddSingleton<PublicViewCounts>();
        services.AddHostedService(sp => sp.GetRequiredService<PublicViewCounts>());
        return services;
    }

    /// <summary>The view counter first (it must count the views the cache serves), then the cache.</summary>
    public static IApplicationBuilder UsePortalPublic(this IApplicationBuilder app)
    {
        app.UseMiddleware<ViewCounter>();
        return app.UseOutputCache();
    }

    /// <summary>Evicts on this node the pages a change of appeal <paramref name="number"/> made stale, when any node signals it.</summary>
    public static void EvictOnSignal(IServiceProvider services)
    {
        var store = services.GetRequiredService<IOutputCacheStore>();
        // The in-memory store evicts synchronously; the handler runs on the thread that committed or got the signal.
        services.GetRequiredService<Infrastructure.ClusterSignals>().Subscribe(Infrastructure.ClusterSignals.PublicPage, number =>
            AppealChangedAsync(store, number, CancellationToken.None).GetAwaiter().GetResult());
    }

    public static async Task AppealChangedAsync(IOutputCacheStore store, string number, CancellationToken ct)
    {
        await store.EvictByTagAsync(AppealTag(number), ct);
        await store.EvictByTagAsync(FeedTag, ct);
    }

    public static bool IsAnonymous(HttpContext http) =>
        http.User.Identity?.IsAuthenticated != true && string.IsNullOrEmpty(http.Request.Headers.Authorization);

    sealed class PublicPagePolicy : IOutputCachePolicy
    {
        public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken ct)
        {
            var http = context.HttpContext;
            var cacheable = IsAnonymous(http) && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method));
            context.EnableOutputCaching = true;
            context.AllowCacheLookup = cacheable;
            context.AllowCacheStorage = cacheable;
            context.AllowLocking = true;
            context.ResponseExpirationTimeSpan = Lifetime;
            context.CacheVaryByRules.QueryKeys = "*";
            // The high-contrast version is another page.
            context.CacheVaryByRules.VaryByValues["contrast"] = http.Request.Cookies["contrast"] ?? "";
            context.Tags.Add(http.Request.RouteValues["number"] is string number ? AppealTag(number) : FeedTag);
            return ValueTask.CompletedTask;
        }

        public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken ct) => ValueTask.CompletedTask;

        public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken ct)
        {
            var response = context.HttpContext.Response;
            // Only a plain success for everyone: never a 404 (it may be published later), never a response that sets a cookie.
            if (response.StatusCode != StatusCodes.Status200OK || !Microsoft.Extensions.Primitives.StringValues.IsNullOrEmpty(response.Headers.SetCookie))
                context.AllowCacheStorage = false;
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Marks the endpoint whose GET is a view of a published appeal (the route carries its number).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CountsPublicViewAttribute : Attribute;

/// <summary>
/// Counts a view of an appeal's public page before the output cache answers (so views the cache serves count too), in
/// memory: <see cref="PublicViewCounts"/> writes them in batches. The page is not re-rendered for it; the count on cached
/// pages lags until the next eviction, which is fine for a popularity sort.
/// </summary>
sealed class ViewCounter(RequestDelegate next, PublicViewCounts counts)
{
    public Task InvokeAsync(HttpContext http)
    {
        if (HttpMethods.IsGet(http.Request.Method) && http.GetEndpoint()?.Metadata.GetMetadata<CountsPublicViewAttribute>() is not null
            && http.Request.RouteValues["number"] is string number && number.Length <= 20)
            counts.Add(number, http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value is { } id
                ? "person:" + id : "address:" + http.Connection.RemoteIpAddress);
        return next(http);
    }
}
