using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RootCauses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RootCauses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    TopicId = table.Column<Guid>(type: "uuid", nullable: true),
                    TerritoryId = table.Column<Guid>(type: "uuid", nullable: true),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    SpikeSeries = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CreatedById = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RootCauses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SpikeDecisions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Audience = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Series = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Window = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    LastDay = table.Column<DateOnly>(type: "date", nullable: false),
                    Mark = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    RootCauseId = table.Column<Guid>(type: "uuid", nullable: true),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: true),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SpikeDecisions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RootCauseAppeals",
                columns: table => new
                {
                    RootCauseId = table.Column<Guid>(type: "uuid", nullable: false),
                    AppealId = table.Column<Guid>(type: "uuid", nullable: false),
                    FromSpike = table.Column<bool>(type: "boolean", nullable: false),
                    LinkedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RootCauseAppeals", x => new { x.RootCauseId, x.AppealId });
                    table.ForeignKey(
                        name: "FK_RootCauseAppeals_Appeals_AppealId",
                        column: x => x.AppealId,
                        principalTable: "Appeals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_RootCauseAppeals_RootCauses_RootCauseId",
                        column: x => x.RootCauseId,
                        principalTable: "RootCauses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RootCauseMeasures",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RootCauseId = table.Column<Guid>(type: "uuid", nullable: false),
                    Text = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    OwnerOrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    DueOn = table.Column<DateOnly>(type: "date", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DoneAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RootCauseMeasures", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RootCauseMeasures_Organisations_OwnerOrganisationId",
                        column: x => x.OwnerOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_RootCauseMeasures_RootCauses_RootCauseId",
                        column: x => x.RootCauseId,
                        principalTable: "RootCauses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RootCauseAppeals_AppealId",
                table: "RootCauseAppeals",
                column: "AppealId");

            migrationBuilder.CreateIndex(
                name: "IX_RootCauseMeasures_OwnerOrganisationId",
                table: "RootCauseMeasures",
                column: "OwnerOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_RootCauseMeasures_RootCauseId",
                table: "RootCauseMeasures",
                column: "RootCauseId");

            migrationBuilder.CreateIndex(
                name: "IX_RootCauses_OrganisationId",
                table: "RootCauses",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_SpikeDecisions_Audience_LastDay",
                table: "SpikeDecisions",
                columns: new[] { "Audience", "LastDay" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RootCauseAppeals");

            migrationBuilder.DropTable(
                name: "RootCauseMeasures");

            migrationBuilder.DropTable(
                name: "SpikeDecisions");

            migrationBuilder.DropTable(
                name: "RootCauses");
        }
    }
}
