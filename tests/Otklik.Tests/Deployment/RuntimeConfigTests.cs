using System.Text.Json;

namespace Otklik.Tests.Deployment;

/// <summary>
/// The garbage collector the web node runs with is a build setting: a misspelt property is silently ignored and the
/// app runs server GC (ADR 0014's memory figures then describe something else). The runtime configuration that the
/// build writes — the same file `dotnet publish` ships — must say workstation GC.
/// </summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void The_web_node_runs_workstation_gc()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Otklik.runtimeconfig.json");
        Assert.True(File.Exists(path), $"{path} is missing");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var properties = doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.True(properties.TryGetProperty("System.GC.Server", out var server), "System.GC.Server is not set");
        Assert.False(server.GetBoolean());
    }
}
