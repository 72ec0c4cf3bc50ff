using Writer = Otklik.Infrastructure.Csv;

namespace Otklik.Tests.Workspace;

/// <summary>The one CSV writer of every export (office list, knowledge base, public statistics): formulas open as text.</summary>
public sealed class CsvFieldTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\")", "\"'=HYPERLINK(\"\"http://evil.example\"\")\"")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+7 343 200-00-00", "'+7 343 200-00-00")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1:A2)", "'@SUM(A1:A2)")]
    [InlineData("\t=1+1", "'\t=1+1")]
    [InlineData("\r=1+1", "\"'\r=1+1\"")]
    [InlineData("=A1;B1", "\"'=A1;B1\"")]
    [InlineData("ул. Ленина, 10", "ул. Ленина, 10")]
    [InlineData("Яма; глубокая", "\"Яма; глубокая\"")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void A_field_that_a_spreadsheet_would_run_is_written_as_text(string? value, string written) =>
        Assert.Equal(written, Writer.Field(value));

    [Theory]
    [InlineData("'=1+1", "=1+1")]
    [InlineData("'\t=1+1", "\t=1+1")]
    [InlineData("'Цитата'", "'Цитата'")]
    [InlineData("'", "'")]
    public void Reading_our_own_export_back_takes_the_apostrophe_away(string cell, string value) =>
        Assert.Equal(value, Writer.Unneutralise(cell));
}
