using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class BusinessPortal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PortalDesks",
                columns: table => new
                {
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    TopicId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PortalDesks", x => x.Kind);
                    table.ForeignKey(
                        name: "FK_PortalDesks_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_PortalDesks_Topics_TopicId",
                        column: x => x.TopicId,
                        principalTable: "Topics",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RecipientUploads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    FileName = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    RowCount = table.Column<int>(type: "integer", nullable: false),
                    UploadedById = table.Column<Guid>(type: "uuid", nullable: true),
                    UploadedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecipientUploads", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RecipientUploads_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SectionClocks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Section = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    PeriodDays = table.Column<int>(type: "integer", nullable: false),
                    LastUpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Level = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    StaleSinceUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SectionClocks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SectionClocks_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SupportMeasures",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Summary = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Form = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    AmountMaxRub = table.Column<long>(type: "bigint", nullable: true),
                    AmountText = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Kinds = table.Column<int>(type: "integer", maxLength: 40, nullable: false),
                    Okved = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    TerritoryId = table.Column<Guid>(type: "uuid", nullable: true),
                    Conditions = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    Documents = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    Deadlines = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    ApplyUntil = table.Column<DateOnly>(type: "date", nullable: true),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ApplyUrl = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    TopicId = table.Column<Guid>(type: "uuid", nullable: true),
                    IsPublished = table.Column<bool>(type: "boolean", nullable: false),
                    SearchStems = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CheckedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupportMeasures", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SupportMeasures_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SupportMeasures_Territories_TerritoryId",
                        column: x => x.TerritoryId,
                        principalTable: "Territories",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_SupportMeasures_Topics_TopicId",
                        column: x => x.TopicId,
                        principalTable: "Topics",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "SupportRecipients",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UploadId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Month = table.Column<DateOnly>(type: "date", nullable: false),
                    Name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    NameKey = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Inn = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    Form = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    AmountKopecks = table.Column<long>(type: "bigint", nullable: false),
                    DecidedOn = table.Column<DateOnly>(type: "date", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupportRecipients", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SupportRecipients_RecipientUploads_UploadId",
                        column: x => x.UploadId,
                        principalTable: "RecipientUploads",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PortalDesks_OrganisationId",
                table: "PortalDesks",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_PortalDesks_TopicId",
                table: "PortalDesks",
                column: "TopicId");

            migrationBuilder.CreateIndex(
                name: "IX_RecipientUploads_OrganisationId_Month",
                table: "RecipientUploads",
                columns: new[] { "OrganisationId", "Month" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SectionClocks_Level_LastUpdatedAtUtc",
                table: "SectionClocks",
                columns: new[] { "Level", "LastUpdatedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_SectionClocks_OrganisationId",
                table: "SectionClocks",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_SectionClocks_Section_OrganisationId",
                table: "SectionClocks",
                columns: new[] { "Section", "OrganisationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SupportMeasures_IsPublished_Form",
                table: "SupportMeasures",
                columns: new[] { "IsPublished", "Form" });

            migrationBuilder.CreateIndex(
                name: "IX_SupportMeasures_OrganisationId",
                table: "SupportMeasures",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_SupportMeasures_TerritoryId",
                table: "SupportMeasures",
                column: "TerritoryId");

            migrationBuilder.CreateIndex(
                name: "IX_SupportMeasures_TopicId",
                table: "SupportMeasures",
                column: "TopicId");

            migrationBuilder.CreateIndex(
                name: "IX_SupportRecipients_Inn",
                table: "SupportRecipients",
                column: "Inn");

            migrationBuilder.CreateIndex(
                name: "IX_SupportRecipients_NameKey",
                table: "SupportRecipients",
                column: "NameKey");

            migrationBuilder.CreateIndex(
                name: "IX_SupportRecipients_UploadId",
                table: "SupportRecipients",
                column: "UploadId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PortalDesks");

            migrationBuilder.DropTable(
                name: "SectionClocks");

            migrationBuilder.DropTable(
                name: "SupportMeasures");

            migrationBuilder.DropTable(
                name: "SupportRecipients");

            migrationBuilder.DropTable(
                name: "RecipientUploads");
        }
    }
}
