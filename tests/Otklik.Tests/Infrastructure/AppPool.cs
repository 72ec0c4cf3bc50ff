using System.Collections.Concurrent;

namespace Otklik.Tests.Infrastructure;

/// <summary>
/// One running app per engine for a test class (a class fixture): starting the app and migrating a new database
/// costs about a second, so the tests of a class share it and each creates the appeals it needs.
/// Tests that need a pristine database (numbering, the demo seed) start their own <see cref="TestApp"/>.
/// </summary>
public sealed class AppPool : IAsyncLifetime
{
    readonly ConcurrentDictionary<Engine, Lazy<Task<TestApp>>> _apps = new();

    public Task<TestApp> For(Engine engine) => _apps.GetOrAdd(engine, e => new Lazy<Task<TestApp>>(() => TestApp.StartAsync(e))).Value;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps.Values.Where(a => a.IsValueCreated))
            await (await app.Value).DisposeAsync();
    }
}
