using System.Text.Json;

namespace Otklik.Tests.Deployment;

/// <summary>
/// The garbage collector the web node runs with is a build setting: a misspelt property is silently ignored and the
/// app runs server GC (ADR 0014's memory figures then describe something else). The runtime configuration that
/// <c>dotnet publish</c> ships — what an operator installs — must say workstation GC, concurrent.
/// </summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public async Task The_published_web_node_runs_workstation_concurrent_gc()
    {
        var folder = await PublishedApp.FolderAsync();
        var properties = ConfigProperties(Path.Combine(folder, "Otklik.runtimeconfig.json"));
        Assert.True(properties.TryGetProperty("System.GC.Server", out var server), "System.GC.Server is not set");
        Assert.False(server.GetBoolean());
        Assert.True(properties.TryGetProperty("System.GC.Concurrent", out var concurrent), "System.GC.Concurrent is not set");
        Assert.True(concurrent.GetBoolean());
    }

    [Fact]
    public void The_built_web_node_runs_workstation_gc()
    {
        var properties = ConfigProperties(Path.Combine(AppContext.BaseDirectory, "Otklik.runtimeconfig.json"));
        Assert.True(properties.TryGetProperty("System.GC.Server", out var server), "System.GC.Server is not set");
        Assert.False(server.GetBoolean());
    }

    static JsonElement ConfigProperties(string path)
    {
        Assert.True(File.Exists(path), $"{path} is missing");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }
}
