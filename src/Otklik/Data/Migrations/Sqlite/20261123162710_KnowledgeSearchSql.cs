using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Otklik.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class KnowledgeSearchSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Raw SQL only (no model change): the FTS5 index over the Lucene stems of SearchEntries, kept in step by triggers,
            // so that every write of an entry (made by SearchIndexer in the same SaveChanges) reaches the index in the same transaction.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE SearchFts USING fts5(TitleStems, BodyStems, content='SearchEntries', content_rowid='Id', tokenize='unicode61 remove_diacritics 0');
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER SearchEntries_ai AFTER INSERT ON SearchEntries BEGIN
                  INSERT INTO SearchFts(rowid, TitleStems, BodyStems) VALUES (new.Id, new.TitleStems, new.BodyStems);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER SearchEntries_ad AFTER DELETE ON SearchEntries BEGIN
                  INSERT INTO SearchFts(SearchFts, rowid, TitleStems, BodyStems) VALUES ('delete', old.Id, old.TitleStems, old.BodyStems);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER SearchEntries_au AFTER UPDATE ON SearchEntries BEGIN
                  INSERT INTO SearchFts(SearchFts, rowid, TitleStems, BodyStems) VALUES ('delete', old.Id, old.TitleStems, old.BodyStems);
                  INSERT INTO SearchFts(rowid, TitleStems, BodyStems) VALUES (new.Id, new.TitleStems, new.BodyStems);
                END;
                """);
            migrationBuilder.Sql("INSERT INTO SearchFts(SearchFts) VALUES ('rebuild');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS SearchEntries_au;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS SearchEntries_ad;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS SearchEntries_ai;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS SearchFts;");
        }
    }
}
