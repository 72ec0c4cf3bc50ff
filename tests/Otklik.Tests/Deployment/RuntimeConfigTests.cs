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

    /// <summary>
    /// The closing figure: the published web node's memory with the GC setting it ships with (workstation,
    /// concurrent), on PostgreSQL, after 600 anonymous page and API requests. Reported; only a gross bound is asserted.
    /// </summary>
    [Fact]
    public async Task The_published_web_node_s_memory_with_workstation_gc()
    {
        var folder = await PublishedApp.FolderAsync();
        await using var database = await ScratchDatabase.CreateAsync(Otklik.Tests.Infrastructure.Engine.Postgres);
        var work = Directory.CreateTempSubdirectory("otklik-rss-").FullName;
        try
        {
            await using var node = AppProcess.Start(folder, work, new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Otklik__PublicUrl"] = "https://otklik.example.ru", ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__Otklik"] = database.ConnectionString, ["Otklik__Workers"] = "false",
            }, port: AppProcess.FreePort());
            await node.WaitUntilHealthyAsync();
            var started = node.Memory();
            using var http = new HttpClient { BaseAddress = node.BaseAddress };
            for (var i = 0; i < 200; i++)
                foreach (var path in new[] { "/feed", "/api/v1/organisations", "/health" })
                    (await http.GetAsync(path)).EnsureSuccessStatusCode();
            var warm = node.Memory();
            var line = $"published web node (workstation concurrent GC), PostgreSQL: RSS {started.Rss:0} MiB after start, {warm.Rss:0} MiB after 600 requests, peak {warm.Peak:0} MiB";
            File.WriteAllText(Path.Combine(Path.GetTempPath(), "otklik-node-rss.txt"), line);
            Console.WriteLine(line);
            Assert.True(warm.Peak < 1024, line);
        }
        finally { Directory.Delete(work, recursive: true); }
    }

    static JsonElement ConfigProperties(string path)
    {
        Assert.True(File.Exists(path), $"{path} is missing");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }
}
