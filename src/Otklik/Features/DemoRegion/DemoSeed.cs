namespace Otklik.Features.DemoRegion;

public static class DemoSeed
{
    public static Task EnsureAsync(IServiceProvider services, ILogger log, CancellationToken ct) => Task.CompletedTask;
}
