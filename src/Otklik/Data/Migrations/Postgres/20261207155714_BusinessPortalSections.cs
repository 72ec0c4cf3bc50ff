using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class BusinessPortalSections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "FirstPublishedAtUtc",
                table: "SupportMeasures",
                type: "timestamp with time zone",
                nullable: true);

            // Measures published before subscriptions existed are not "new": nobody is told of them on their next edit.
            migrationBuilder.Sql("UPDATE \"SupportMeasures\" SET \"FirstPublishedAtUtc\" = \"CreatedAtUtc\" WHERE \"IsPublished\";");

            migrationBuilder.CreateTable(
                name: "MeasureSubscriptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kinds = table.Column<int>(type: "integer", maxLength: 40, nullable: false),
                    Okved = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    TerritoryId = table.Column<Guid>(type: "uuid", nullable: true),
                    Form = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MeasureSubscriptions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MeasureSubscriptions_Territories_TerritoryId",
                        column: x => x.TerritoryId,
                        principalTable: "Territories",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "PortalItems",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Section = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Summary = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Body = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    Link = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    TerritoryId = table.Column<Guid>(type: "uuid", nullable: true),
                    IsPublished = table.Column<bool>(type: "boolean", nullable: false),
                    PublishedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CheckedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    PeriodDays = table.Column<int>(type: "integer", nullable: false),
                    StartsAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndsAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Capacity = table.Column<int>(type: "integer", nullable: true),
                    Address = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Latitude = table.Column<double>(type: "double precision", nullable: true),
                    Longitude = table.Column<double>(type: "double precision", nullable: true),
                    Phone = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    Email = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Hours = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PortalItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PortalItems_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_PortalItems_Territories_TerritoryId",
                        column: x => x.TerritoryId,
                        principalTable: "Territories",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "PortalRequests",
                columns: table => new
                {
                    AppealId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ItemId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PortalRequests", x => x.AppealId);
                    table.ForeignKey(
                        name: "FK_PortalRequests_Appeals_AppealId",
                        column: x => x.AppealId,
                        principalTable: "Appeals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PortalTraffic",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Section = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Views = table.Column<long>(type: "bigint", nullable: false),
                    Visitors = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PortalTraffic", x => new { x.Day, x.Section });
                });

            migrationBuilder.CreateTable(
                name: "EventRegistrations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ItemId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Email = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Phone = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    OrganisationName = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EventRegistrations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EventRegistrations_PortalItems_ItemId",
                        column: x => x.ItemId,
                        principalTable: "PortalItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EventRegistrations_ItemId_Email",
                table: "EventRegistrations",
                columns: new[] { "ItemId", "Email" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MeasureSubscriptions_PersonId",
                table: "MeasureSubscriptions",
                column: "PersonId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MeasureSubscriptions_TerritoryId",
                table: "MeasureSubscriptions",
                column: "TerritoryId");

            migrationBuilder.CreateIndex(
                name: "IX_PortalItems_OrganisationId_Section",
                table: "PortalItems",
                columns: new[] { "OrganisationId", "Section" });

            migrationBuilder.CreateIndex(
                name: "IX_PortalItems_Section_IsPublished_PublishedAtUtc",
                table: "PortalItems",
                columns: new[] { "Section", "IsPublished", "PublishedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_PortalItems_TerritoryId",
                table: "PortalItems",
                column: "TerritoryId");

            migrationBuilder.CreateIndex(
                name: "IX_PortalRequests_CreatedAtUtc",
                table: "PortalRequests",
                column: "CreatedAtUtc");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EventRegistrations");

            migrationBuilder.DropTable(
                name: "MeasureSubscriptions");

            migrationBuilder.DropTable(
                name: "PortalRequests");

            migrationBuilder.DropTable(
                name: "PortalTraffic");

            migrationBuilder.DropTable(
                name: "PortalItems");

            migrationBuilder.DropColumn(
                name: "FirstPublishedAtUtc",
                table: "SupportMeasures");
        }
    }
}
