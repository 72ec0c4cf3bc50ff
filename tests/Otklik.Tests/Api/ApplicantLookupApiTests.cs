using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Otklik.Features.Audit;
using Otklik.Tests.Infrastructure;

namespace Otklik.Tests.Api;

/// <summary>GET /api/v1/applicants/lookup: the operator's lookup of /office/register, with the page's rules.</summary>
public sealed class ApplicantLookupApiTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_centre_operator_finds_an_earlier_applicant_by_the_whole_phone_and_bad_input_names_the_field(Engine engine)
    {
        await using var app = await TestApp.StartAsync(engine);
        var r = app.Region;
        var earlier = await app.SubmitAsync(Samples.Subsidy(r));
        var op = app.ClientAs(Persona.CentreOperator);

        var found = await op.GetAsync("/api/v1/applicants/lookup?q=" + Uri.EscapeDataString("8 (343) 200-00-00"));
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var match = Assert.Single(JsonDocument.Parse(await found.Content.ReadAsStringAsync()).RootElement.EnumerateArray());
        Assert.Equal("ООО «Уралстанок»", match.GetProperty("applicant").GetProperty("organisationName").GetString());
        Assert.Contains(earlier.Number, match.GetProperty("source").GetString());

        // Part of a number would page through the region's applicants: 400 naming q, and nothing is audited for it.
        await app.Services.GetRequiredService<AuditTrail>().FlushAsync();
        var lookupsBefore = await app.WithDbAsync(db => db.AuditRecords.CountAsync(l => l.Kind == AuditKind.ApplicantLookup));
        var partial = await op.GetAsync("/api/v1/applicants/lookup?q=200-00");
        Assert.Equal(HttpStatusCode.BadRequest, partial.StatusCode);
        var problem = JsonDocument.Parse(await partial.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("10 цифр", problem.GetProperty("errors").GetProperty("q")[0].GetString());
        await app.Services.GetRequiredService<AuditTrail>().FlushAsync();
        Assert.Equal(lookupsBefore, await app.WithDbAsync(db => db.AuditRecords.CountAsync(l => l.Kind == AuditKind.ApplicantLookup)));

        // Not an operator of a call-taking organisation: refused, as the page refuses.
        var dispatcher = await app.ClientAs(Persona.MunADispatcher).GetAsync("/api/v1/applicants/lookup?q=info@uralstanok.ru");
        Assert.Equal(HttpStatusCode.Forbidden, dispatcher.StatusCode);
        var admin = await app.ClientAs(Persona.RegionAdmin).GetAsync("/api/v1/applicants/lookup?q=info@uralstanok.ru");
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
    }
}
