using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Otklik.Features.Mail;

namespace Otklik.Tests.Infrastructure;

/// <summary>
/// The letters the app sent, read back as MIME: from the local SMTP server's folder that scripts/test.sh runs
/// (tests/smtp-sink), or from the app's pickup folder when there is none. Every test app of a run shares the sink,
/// so a test looks for letters to an address of its own.
/// </summary>
public sealed class MailBox(string folder)
{
    public const string PortalAdministrator = "portal-admin@test.example";
    public const string PortalCurator = "portal-curator@test.example";

    public static int? SinkPort => int.TryParse(Environment.GetEnvironmentVariable("OTKLIK_TEST_SMTP_PORT"), out var p) ? p : null;
    public static string? SinkFolder => Environment.GetEnvironmentVariable("OTKLIK_TEST_MAIL_DIR") is { Length: > 0 } d ? d : null;

    /// <summary>Tests of real SMTP delivery fail (never skip) without the sink.</summary>
    public static int RequireSink() => SinkPort ?? throw new InvalidOperationException(
        "OTKLIK_TEST_SMTP_PORT is not set: run the tests through scripts/test.sh, which starts the SMTP sink.");

    public string Folder => folder;

    /// <summary>A fresh address nobody else in the run writes to.</summary>
    public static string NewAddress(string who = "user") => $"{who}-{Guid.NewGuid():N}@test.example";

    /// <summary>Every letter in the folder now addressed to <paramref name="address"/> (To or Cc).</summary>
    public IReadOnlyList<MimeMessage> To(string address)
    {
        if (!Directory.Exists(folder)) return [];
        var found = new List<MimeMessage>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.eml"))
        {
            MimeMessage message;
            try { message = MimeMessage.Load(file); }
            catch (IOException) { continue; }
            if (message.To.Mailboxes.Concat(message.Cc.Mailboxes).Any(m => string.Equals(m.Address, address, StringComparison.OrdinalIgnoreCase)))
                found.Add(message);
        }
        return found;
    }

    /// <summary>
    /// Waits until a letter to <paramref name="address"/> (matching <paramref name="where"/>) is in the folder: woken by
    /// the folder's change events, re-checking at least every half second, failing after <paramref name="timeout"/>.
    /// </summary>
    public async Task<MimeMessage> WaitForAsync(string address, Func<MimeMessage, bool>? where = null, TimeSpan? timeout = null)
    {
        Directory.CreateDirectory(folder);
        using var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(folder, "*.eml") { EnableRaisingEvents = true };
        void Signal(object? _, FileSystemEventArgs __) { if (changed.CurrentCount == 0) changed.Release(); }
        watcher.Created += Signal;
        watcher.Renamed += (s, e) => Signal(s, e);
        // A real SMTP server delivers in real time: the timeout is measured on a stopwatch, not on the app's clock.
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (To(address).FirstOrDefault(m => where?.Invoke(m) ?? true) is { } message) return message;
            var left = limit - waited.Elapsed;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"No letter to {address} arrived in {folder}.");
            await changed.WaitAsync(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500));
        }
    }
}

public static class MailExtensions
{
    /// <summary>One dispatch pass of the app's own outbox dispatcher (the background loop is off in tests).</summary>
    public static Task<OutboxDispatcher.Result> DispatchMailAsync(this TestApp app) =>
        app.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync();

    public static string TextOf(this MimeMessage message) => message.TextBody ?? message.HtmlBody ?? "";
}
