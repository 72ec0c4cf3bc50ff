using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PartnerSites : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PartnerSites",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    TopicIds = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    AllowedOrigins = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    HourlyLimit = table.Column<int>(type: "integer", nullable: false),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerSites", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PartnerSites_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PartnerSiteAppeals",
                columns: table => new
                {
                    AppealId = table.Column<Guid>(type: "uuid", nullable: false),
                    SiteId = table.Column<Guid>(type: "uuid", nullable: false),
                    ReceivedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerSiteAppeals", x => x.AppealId);
                    table.ForeignKey(
                        name: "FK_PartnerSiteAppeals_Appeals_AppealId",
                        column: x => x.AppealId,
                        principalTable: "Appeals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PartnerSiteAppeals_PartnerSites_SiteId",
                        column: x => x.SiteId,
                        principalTable: "PartnerSites",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerSiteAppeals_SiteId_ReceivedAtUtc",
                table: "PartnerSiteAppeals",
                columns: new[] { "SiteId", "ReceivedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerSites_Key",
                table: "PartnerSites",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PartnerSites_OrganisationId",
                table: "PartnerSites",
                column: "OrganisationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PartnerSiteAppeals");

            migrationBuilder.DropTable(
                name: "PartnerSites");
        }
    }
}
