using System.Net;
using System.Text.Json;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Social;

/// <summary>
/// Issue 18.6: the same person through different channels (the same phone typed differently, the same e-mail) about
/// the same matter within days is offered to the moderator for a merge, each candidate naming its channel and why;
/// the same person about another matter, or the same matter long ago, is not.
/// </summary>
public sealed class CrossChannelTests
{
    static Dictionary<string, object?> Person(string? phone = null, string? email = null, string? postal = null) => new()
    {
        ["kind"] = "person", ["lastName"] = "Звонарёва", ["firstName"] = "Ольга", ["phone"] = phone, ["email"] = email, ["postalAddress"] = postal,
    };

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_same_person_about_the_same_matter_through_another_channel_is_offered_for_a_merge_with_the_channel_named(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        const string text = "Во дворе дома 5 по улице Мира не вывозят мусор уже неделю, контейнеры переполнены.";
        // A call to the hotline, typed by the operator without a topic the portal would pick.
        var call = await app.SubmitAsync(Samples.Housing(r).With("channel", "hotline").With("text", text)
            .With("applicant", Person(phone: "+7 912 345-67-89", email: "olga@example.ru")), Persona.CentreOperator);
        // The same person by e-mail a few days later, worded differently, on another topic: a similar text.
        var letter = await app.SubmitAsync(Samples.Pothole(r).With("channel", "email")
            .With("text", "Мусор во дворе дома 5 на улице Мира не вывозят неделю, контейнеры давно переполнены!")
            .With("applicant", Person(email: "OLGA@example.ru")), Persona.CentreOperator);
        // The same phone, another matter: not offered.
        var other = await app.SubmitAsync(Samples.Subsidy(r).With("channel", "hotline")
            .With("applicant", Person(phone: "8 (912) 3456789", postal: "620000, Екатеринбург, ул. Мира, 5, кв. 12")), Persona.CentreOperator);
        // The same phone, the same matter, by the hotline again: offered as the same phone.
        var again = await app.SubmitAsync(Samples.Housing(r).With("channel", "hotline").With("text", "Повторно: " + text)
            .With("applicant", Person(phone: "8 (912) 3456789", postal: "620000, Екатеринбург, ул. Мира, 5, кв. 12")), Persona.CentreOperator);
        // Someone else about the same yard: not the same person, and no point to compare.
        var stranger = await app.SubmitAsync(Samples.Housing(r).With("channel", "hotline").With("text", text)
            .With("applicant", Person(phone: "+7 900 000-00-01", postal: "620000, Екатеринбург, ул. Мира, 5, кв. 40")), Persona.CentreOperator);

        var moderator = app.ClientAs(Persona.CentreModerator);
        var found = await moderator.GetAsync($"/api/v1/appeals/{call.Id}/likely-duplicates");
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var rows = JsonDocument.Parse(await found.Content.ReadAsStringAsync()).RootElement.EnumerateArray()
            .ToDictionary(d => d.GetProperty("number").GetString()!, d => (Channel: d.GetProperty("channel").GetString(), Why: d.TryGetProperty("why", out var w) ? w.GetString() : null));
        Assert.Equal("email", rows[letter.Number].Channel, ignoreCase: true);
        Assert.Equal("тот же адрес почты, похожий текст", rows[letter.Number].Why);
        Assert.Equal("тот же телефон, та же тема и место", rows[again.Number].Why);
        Assert.DoesNotContain(other.Number, rows.Keys);
        Assert.DoesNotContain(call.Number, rows.Keys);
        Assert.True(!rows.TryGetValue(stranger.Number, out var s) || s.Why is null, "a stranger is not the same person");

        // The moderator's screen names the channel and the reason, with a merge button for each.
        using var session = await FormSession.SignInAsync(app, Persona.CentreModerator);
        var page = await session.GetAsync($"/office/moderation/{call.Id}");
        Assert.Contains("Канал: Электронная почта", page, StringComparison.Ordinal);
        Assert.Contains("тот же адрес почты, похожий текст", page, StringComparison.Ordinal);
        Assert.Contains($"Объединить с обращением {letter.Number}", page, StringComparison.Ordinal);
    }
}
