using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RoadmapsAndHq : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "HqEscalatedAtUtc",
                table: "Appeals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "HqEscalatedById",
                table: "Appeals",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HqEscalationReason",
                table: "Appeals",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "HqDecisions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AppealId = table.Column<Guid>(type: "uuid", nullable: false),
                    DecisionDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Text = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    OrganisationIds = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    DueDate = table.Column<DateOnly>(type: "date", nullable: true),
                    RecordedById = table.Column<Guid>(type: "uuid", nullable: false),
                    RecordedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HqDecisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HqDecisions_Appeals_AppealId",
                        column: x => x.AppealId,
                        principalTable: "Appeals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Roadmaps",
                columns: table => new
                {
                    AppealId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ApprovedById = table.Column<Guid>(type: "uuid", nullable: true),
                    ApprovedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    ChangeReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Roadmaps", x => x.AppealId);
                    table.ForeignKey(
                        name: "FK_Roadmaps_Appeals_AppealId",
                        column: x => x.AppealId,
                        principalTable: "Appeals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "RoadmapTemplates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TopicId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoadmapTemplates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RoadmapTemplates_Topics_TopicId",
                        column: x => x.TopicId,
                        principalTable: "Topics",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "RoadmapSteps",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AppealId = table.Column<Guid>(type: "uuid", nullable: false),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    OwnerOrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    PersonId = table.Column<Guid>(type: "uuid", nullable: true),
                    DueDate = table.Column<DateOnly>(type: "date", nullable: true),
                    Policy = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    ClockStartedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DueAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ControlDate = table.Column<DateOnly>(type: "date", nullable: true),
                    AtRiskFromUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    WatchLevel = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    NextWatchAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Result = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CompletedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ApprovedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Source = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    HqDecisionId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoadmapSteps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RoadmapSteps_HqDecisions_HqDecisionId",
                        column: x => x.HqDecisionId,
                        principalTable: "HqDecisions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_RoadmapSteps_Organisations_OwnerOrganisationId",
                        column: x => x.OwnerOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_RoadmapSteps_Roadmaps_AppealId",
                        column: x => x.AppealId,
                        principalTable: "Roadmaps",
                        principalColumn: "AppealId",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "RoadmapTemplateStep",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TemplateId = table.Column<Guid>(type: "uuid", nullable: false),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    OwnerOrganisationId = table.Column<Guid>(type: "uuid", nullable: true),
                    Policy = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RoadmapTemplateStep", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RoadmapTemplateStep_Organisations_OwnerOrganisationId",
                        column: x => x.OwnerOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_RoadmapTemplateStep_RoadmapTemplates_TemplateId",
                        column: x => x.TemplateId,
                        principalTable: "RoadmapTemplates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Appeals_HqEscalatedAtUtc",
                table: "Appeals",
                column: "HqEscalatedAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_HqDecisions_AppealId",
                table: "HqDecisions",
                column: "AppealId");

            migrationBuilder.CreateIndex(
                name: "IX_RoadmapSteps_AppealId_Order",
                table: "RoadmapSteps",
                columns: new[] { "AppealId", "Order" });

            migrationBuilder.CreateIndex(
                name: "IX_RoadmapSteps_HqDecisionId",
                table: "RoadmapSteps",
                column: "HqDecisionId");

            migrationBuilder.CreateIndex(
                name: "IX_RoadmapSteps_NextWatchAtUtc",
                table: "RoadmapSteps",
                column: "NextWatchAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_RoadmapSteps_OwnerOrganisationId_Status",
                table: "RoadmapSteps",
                columns: new[] { "OwnerOrganisationId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_RoadmapTemplates_TopicId",
                table: "RoadmapTemplates",
                column: "TopicId");

            migrationBuilder.CreateIndex(
                name: "IX_RoadmapTemplateStep_OwnerOrganisationId",
                table: "RoadmapTemplateStep",
                column: "OwnerOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_RoadmapTemplateStep_TemplateId",
                table: "RoadmapTemplateStep",
                column: "TemplateId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RoadmapSteps");

            migrationBuilder.DropTable(
                name: "RoadmapTemplateStep");

            migrationBuilder.DropTable(
                name: "HqDecisions");

            migrationBuilder.DropTable(
                name: "Roadmaps");

            migrationBuilder.DropTable(
                name: "RoadmapTemplates");

            migrationBuilder.DropIndex(
                name: "IX_Appeals_HqEscalatedAtUtc",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "HqEscalatedAtUtc",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "HqEscalatedById",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "HqEscalationReason",
                table: "Appeals");
        }
    }
}
