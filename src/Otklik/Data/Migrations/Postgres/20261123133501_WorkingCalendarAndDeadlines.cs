using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class WorkingCalendarAndDeadlines : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "AnswerClockStartedAtUtc",
                table: "Appeals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "AnswerControlDate",
                table: "Appeals",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "AnswerDueAtUtc",
                table: "Appeals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "AnswerDueDate",
                table: "Appeals",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AnswerPolicy",
                table: "Appeals",
                type: "character varying(50)",
                maxLength: 50,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "AtRiskFromUtc",
                table: "Appeals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClarificationAskedAtUtc",
                table: "Appeals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ExtensionDays",
                table: "Appeals",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "ModerationStartedAtUtc",
                table: "Appeals",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<DateTime>(
                name: "NextWatchAtUtc",
                table: "Appeals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PausedAtUtc",
                table: "Appeals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PausedSeconds",
                table: "Appeals",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "Priority",
                table: "Appeals",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "WatchLevel",
                table: "Appeals",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "WorkStartedAtUtc",
                table: "Appeals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CalendarDays",
                columns: table => new
                {
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Note = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    IsRegional = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CalendarDays", x => x.Date);
                });

            migrationBuilder.CreateTable(
                name: "CalendarYears",
                columns: table => new
                {
                    Year = table.Column<int>(type: "integer", nullable: false),
                    IsProvisional = table.Column<bool>(type: "boolean", nullable: false),
                    Source = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CalendarYears", x => x.Year);
                });

            migrationBuilder.CreateTable(
                name: "DeadlineRules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Stage = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Regime = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    TopicId = table.Column<Guid>(type: "uuid", nullable: true),
                    HighImportance = table.Column<bool>(type: "boolean", nullable: true),
                    Policy = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Note = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeadlineRules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeadlineRules_Topics_TopicId",
                        column: x => x.TopicId,
                        principalTable: "Topics",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Appeals_NextWatchAtUtc",
                table: "Appeals",
                column: "NextWatchAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_DeadlineRules_Stage_Regime_Kind_TopicId_HighImportance",
                table: "DeadlineRules",
                columns: new[] { "Stage", "Regime", "Kind", "TopicId", "HighImportance" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DeadlineRules_TopicId",
                table: "DeadlineRules",
                column: "TopicId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CalendarDays");

            migrationBuilder.DropTable(
                name: "CalendarYears");

            migrationBuilder.DropTable(
                name: "DeadlineRules");

            migrationBuilder.DropIndex(
                name: "IX_Appeals_NextWatchAtUtc",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "AnswerClockStartedAtUtc",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "AnswerControlDate",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "AnswerDueAtUtc",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "AnswerDueDate",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "AnswerPolicy",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "AtRiskFromUtc",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "ClarificationAskedAtUtc",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "ExtensionDays",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "ModerationStartedAtUtc",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "NextWatchAtUtc",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "PausedAtUtc",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "PausedSeconds",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "Priority",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "WatchLevel",
                table: "Appeals");

            migrationBuilder.DropColumn(
                name: "WorkStartedAtUtc",
                table: "Appeals");
        }
    }
}
