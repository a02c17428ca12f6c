//! Local facts of fetching articles over HTTP (`claims import URL`, `claims watch`): where and
//! when each fetched version came from (`fetches`), the watch list (`watched_feeds`) and the
//! state of fetching each article a watched feed named (`watched_articles`). Never hashed, never
//! synced (schema/0008_fetch.sql); the versions themselves are ordinary objects.

use super::Result;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;

/// One fetch that gave a stored version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetchRecord {
    /// The URL asked for.
    pub url: String,
    /// The URL that answered, after redirects.
    pub final_url: String,
    /// The page's `<link rel="canonical">`, if any.
    pub canonical: Option<String>,
    pub fetched_at: String,
    pub status: u16,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body_sha256: Option<String>,
    /// The version the body gave.
    pub version_id: Option<String>,
    /// The watched feed that named the article, if any.
    pub feed_url: Option<String>,
}

/// A watched feed and the state of polling it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchedFeed {
    pub url: String,
    pub every_seconds: i64,
    pub added_at: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub polled_at: Option<String>,
    /// Not polled before this time (RFC 3339, UTC).
    pub next_poll: Option<String>,
    /// Errors in a row.
    pub failures: i64,
    pub last_error: Option<String>,
}

/// An article a watched feed named, and the state of fetching it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchedArticle {
    pub url: String,
    pub feed_url: String,
    pub first_seen: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// sha256 of the last body imported.
    pub text_sha256: Option<String>,
    pub fetched_at: Option<String>,
    pub next_fetch: Option<String>,
    pub failures: i64,
    pub last_error: Option<String>,
}

/// The fetch tables over one connection: [`super::Store::fetches`], or the ledger's
/// transaction (so that a fetch's row and the version it gave are stored together).
pub struct Fetches<'c> {
    conn: &'c Connection,
}

fn fetch_row(r: &Row<'_>) -> rusqlite::Result<FetchRecord> {
    Ok(FetchRecord {
        url: r.get(0)?,
        final_url: r.get(1)?,
        canonical: r.get(2)?,
        fetched_at: r.get(3)?,
        status: r.get(4)?,
        etag: r.get(5)?,
        last_modified: r.get(6)?,
        body_sha256: r.get(7)?,
        version_id: r.get(8)?,
        feed_url: r.get(9)?,
    })
}

const FETCH_COLUMNS: &str = "url, final_url, canonical, fetched_at, status, etag, last_modified,
                             body_sha256, version_id, feed_url";

fn feed_row(r: &Row<'_>) -> rusqlite::Result<WatchedFeed> {
    Ok(WatchedFeed {
        url: r.get(0)?,
        every_seconds: r.get(1)?,
        added_at: r.get(2)?,
        etag: r.get(3)?,
        last_modified: r.get(4)?,
        polled_at: r.get(5)?,
        next_poll: r.get(6)?,
        failures: r.get(7)?,
        last_error: r.get(8)?,
    })
}

const FEED_COLUMNS: &str =
    "url, every_seconds, added_at, etag, last_modified, polled_at, next_poll, failures, last_error";

fn article_row(r: &Row<'_>) -> rusqlite::Result<WatchedArticle> {
    Ok(WatchedArticle {
        url: r.get(0)?,
        feed_url: r.get(1)?,
        first_seen: r.get(2)?,
        etag: r.get(3)?,
        last_modified: r.get(4)?,
        text_sha256: r.get(5)?,
        fetched_at: r.get(6)?,
        next_fetch: r.get(7)?,
        failures: r.get(8)?,
        last_error: r.get(9)?,
    })
}

const ARTICLE_COLUMNS: &str = "url, feed_url, first_seen, etag, last_modified, text_sha256,
                               fetched_at, next_fetch, failures, last_error";

impl<'c> Fetches<'c> {
    pub(super) fn new(conn: &'c Connection) -> Fetches<'c> {
        Fetches { conn }
    }

    /// Adds a row to `fetches`.
    pub fn record(&self, f: &FetchRecord) -> Result<()> {
        self.conn
            .prepare_cached(&format!(
                "INSERT INTO fetches({FETCH_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            ))?
            .execute(rusqlite::params![
                f.url,
                f.final_url,
                f.canonical,
                f.fetched_at,
                f.status,
                f.etag,
                f.last_modified,
                f.body_sha256,
                f.version_id,
                f.feed_url,
            ])?;
        Ok(())
    }

    /// The fetches that gave a version, oldest first: the first says when it was first seen.
    pub fn of_version(&self, version_id: &str) -> Result<Vec<FetchRecord>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {FETCH_COLUMNS} FROM fetches WHERE version_id = ?1 ORDER BY fetch_id"
        ))?;
        let rows = stmt
            .query_map([version_id], fetch_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The version the last fetch of `url` that gave one gave: what a watcher saw last.
    pub fn last_version_of(&self, url: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT version_id FROM fetches WHERE url = ?1 AND version_id IS NOT NULL
                 ORDER BY fetch_id DESC LIMIT 1",
            )?
            .query_row([url], |r| r.get(0))
            .optional()?)
    }

    /// Every fetch, oldest first.
    pub fn all(&self) -> Result<Vec<FetchRecord>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {FETCH_COLUMNS} FROM fetches ORDER BY fetch_id"
        ))?;
        let rows = stmt
            .query_map([], fetch_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Adds a feed to the watch list; false if it was there already (then unchanged).
    pub fn add_feed(&self, url: &str, every_seconds: i64, at: &str) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT INTO watched_feeds(url, every_seconds, added_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(url) DO NOTHING",
            (url, every_seconds, at),
        )?;
        Ok(n > 0)
    }

    /// Removes a feed (and the state of its articles) from the watch list; false if it was
    /// not there. The versions it imported and their fetch rows stay.
    pub fn remove_feed(&self, url: &str) -> Result<bool> {
        let n = self
            .conn
            .execute("DELETE FROM watched_feeds WHERE url = ?1", [url])?;
        self.conn
            .execute("DELETE FROM watched_articles WHERE feed_url = ?1", [url])?;
        Ok(n > 0)
    }

    /// The watch list, by URL.
    pub fn feeds(&self) -> Result<Vec<WatchedFeed>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {FEED_COLUMNS} FROM watched_feeds ORDER BY url"
        ))?;
        let rows = stmt
            .query_map([], feed_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Saves the polling state of a watched feed (a feed removed meanwhile stays removed).
    pub fn save_feed(&self, f: &WatchedFeed) -> Result<()> {
        self.conn.execute(
            "UPDATE watched_feeds SET etag = ?2, last_modified = ?3, polled_at = ?4,
                 next_poll = ?5, failures = ?6, last_error = ?7
             WHERE url = ?1",
            rusqlite::params![
                f.url,
                f.etag,
                f.last_modified,
                f.polled_at,
                f.next_poll,
                f.failures,
                f.last_error
            ],
        )?;
        Ok(())
    }

    /// The state of a watched article, if a feed named it.
    pub fn article(&self, url: &str) -> Result<Option<WatchedArticle>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {ARTICLE_COLUMNS} FROM watched_articles WHERE url = ?1"
            ))?
            .query_row([url], article_row)
            .optional()?)
    }

    /// The articles a feed named, by URL.
    pub fn articles_of(&self, feed_url: &str) -> Result<Vec<WatchedArticle>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM watched_articles WHERE feed_url = ?1 ORDER BY url"
        ))?;
        let rows = stmt
            .query_map([feed_url], article_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Saves the state of a watched article (inserted the first time).
    pub fn save_article(&self, a: &WatchedArticle) -> Result<()> {
        self.conn.execute(
            &format!(
                "INSERT INTO watched_articles({ARTICLE_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,
                     last_modified = excluded.last_modified, text_sha256 = excluded.text_sha256,
                     fetched_at = excluded.fetched_at, next_fetch = excluded.next_fetch,
                     failures = excluded.failures, last_error = excluded.last_error"
            ),
            rusqlite::params![
                a.url,
                a.feed_url,
                a.first_seen,
                a.etag,
                a.last_modified,
                a.text_sha256,
                a.fetched_at,
                a.next_fetch,
                a.failures,
                a.last_error
            ],
        )?;
        Ok(())
    }
}
