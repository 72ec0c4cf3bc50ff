using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Otklik.Features.Mail;
using Otklik.Infrastructure;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Portal;

/// <summary>
/// The outbox contract: every message type is registered with who receives it and how (the outbox takes only a
/// registered <see cref="MessageType"/>, so an unregistered one does not compile), and every letter type has a composer.
/// </summary>
public sealed class MessageTypesTests
{
    [Fact]
    public void Every_declared_type_is_in_the_registry_once_and_says_who_receives_it_and_how()
    {
        var declared = typeof(MessageTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(MessageType)).Select(f => (MessageType)f.GetValue(null)!).ToList();
        Assert.Equal(declared.Select(t => t.Name).Order(), MessageTypes.All.Select(t => t.Name).Order());
        Assert.Equal(MessageTypes.All.Count, MessageTypes.All.Select(t => t.Name).Distinct().Count());
        Assert.All(MessageTypes.All, t =>
        {
            Assert.NotEmpty(t.To);
            Assert.False(string.IsNullOrWhiteSpace(t.Title));
            Assert.All(t.To, a => Assert.True(a.How != Delivery.None || !string.IsNullOrWhiteSpace(a.Why), $"{t.Name}: delivered to nobody without a reason"));
            // Only staff read the office's notices; the applicant is told by letter.
            Assert.All(t.To.Where(a => a.Who == Recipient.Applicant), a => Assert.Equal(Delivery.Letter, a.How));
        });
    }

    [Fact]
    public void Every_type_declared_as_a_notice_has_a_notice_and_every_notice_comes_from_such_a_type()
    {
        var declared = MessageTypes.All.Where(t => t.To.Any(a => a.How.HasFlag(Delivery.Notice))).Select(t => t.Name).Order().ToList();
        var written = Otklik.Features.Notifications.NoticeWriter.Kinds.Keys.Order().ToList();
        Assert.Equal(declared, written);
    }

    [Fact]
    public void The_write_method_takes_only_a_registered_type()
    {
        var create = typeof(OutboxMessage).GetMethod(nameof(OutboxMessage.Create))!;
        Assert.Equal(typeof(MessageType), create.GetParameters()[0].ParameterType);
        // Nobody outside the registry can make a type: its constructor is not public.
        Assert.DoesNotContain(typeof(MessageType).GetConstructors(), c => c.IsPublic);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Every_type_declared_as_a_letter_has_a_composer(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var appeal = await app.SubmitAsync();
        await app.WithDbAsync(async db =>
        {
            var composer = new MailComposer(db, new MailSettings(), PublicUrl.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()));
            foreach (var type in MessageTypes.All.Where(t => t.IsLetter))
            {
                var message = OutboxMessage.Create(type, new { email = "someone@test.example", name = "Анна", link = "http://x/", appeal.Number }, appeal.Id,
                    app.Clock.GetUtcNow().UtcDateTime);
                var composed = await composer.ComposeAsync(message, default);
                Assert.False(composed.NoComposer, $"{type.Name} is declared a letter but MailComposer has no letter for it: {composed.Note}");
            }
            // A type delivered only in the office is not a letter, by the registry's decision, not by a forgotten case.
            var notice = await composer.ComposeAsync(OutboxMessage.Create(MessageTypes.HqEscalated, new { }, appeal.Id, app.Clock.GetUtcNow().UtcDateTime), default);
            Assert.False(notice.NoComposer);
            Assert.Contains("уведомлением в кабинете", notice.Note);
            return 0;
        });
    }
}
