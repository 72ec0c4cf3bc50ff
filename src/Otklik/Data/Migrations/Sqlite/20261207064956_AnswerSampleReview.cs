using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AnswerSampleReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ReviewSamples",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FromOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ToOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Size = table.Column<int>(type: "INTEGER", nullable: false),
                    Seed = table.Column<int>(type: "INTEGER", nullable: false),
                    Population = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedById = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewSamples", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AnswerReviews",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SampleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AppealId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    ReviewerId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ReviewedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AddressesQuestion = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    BySubstance = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    MeasuresAndDates = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    CorrectLaw = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    Polite = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    NoFormalReply = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    AddressesQuestionComment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    BySubstanceComment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    MeasuresAndDatesComment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    CorrectLawComment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    PoliteComment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    NoFormalReplyComment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Score = table.Column<double>(type: "REAL", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnswerReviews", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AnswerReviews_Appeals_AppealId",
                        column: x => x.AppealId,
                        principalTable: "Appeals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AnswerReviews_ReviewSamples_SampleId",
                        column: x => x.SampleId,
                        principalTable: "ReviewSamples",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AnswerReviews_AppealId_Score",
                table: "AnswerReviews",
                columns: new[] { "AppealId", "Score" });

            migrationBuilder.CreateIndex(
                name: "IX_AnswerReviews_SampleId_AppealId",
                table: "AnswerReviews",
                columns: new[] { "SampleId", "AppealId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReviewSamples_OrganisationId_CreatedAtUtc",
                table: "ReviewSamples",
                columns: new[] { "OrganisationId", "CreatedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AnswerReviews");

            migrationBuilder.DropTable(
                name: "ReviewSamples");
        }
    }
}
