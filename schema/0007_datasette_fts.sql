-- 0007: the full-text tables, declared so that Datasette finds them. Datasette (and
-- sqlite-utils) look a table's FTS table up in sqlite_master with
--     sql LIKE '%VIRTUAL TABLE%USING FTS%content="TABLE"%'   (or content=[TABLE])
-- and 0001 wrote `content = 'claims'` (spaces, single quotes), which that pattern never
-- matches, so Datasette offered no search box. The same tables, declared `content="claims"`,
-- and refilled from their content tables ('rebuild' reads the typed tables). Nothing else
-- changes: the same columns, the same rowids (`seq`), the same queries.
-- Also an index for the relations of one claim (the web page of a claim): found_relations'
-- key starts with a_seq; this finds the rows where the claim is b.
-- Never edit a shipped migration.
DROP TABLE claims_fts;
DROP TABLE versions_fts;
CREATE VIRTUAL TABLE claims_fts USING fts5(speaker, content, content="claims", content_rowid="seq");
CREATE VIRTUAL TABLE versions_fts USING fts5(title, text, content="versions", content_rowid="seq");
INSERT INTO claims_fts(claims_fts) VALUES ('rebuild');
INSERT INTO versions_fts(versions_fts) VALUES ('rebuild');
CREATE INDEX IF NOT EXISTS found_relations_b ON found_relations(b_seq);
