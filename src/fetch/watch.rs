//! Watching feeds (`claims watch`): poll each watched RSS or Atom feed when it is due, fetch
//! the articles it names (and those seen recently) again with conditional requests, and import
//! a new version of an article only when its text changed, reporting the claims the edit
//! added, removed and changed (the diff of `claims diff`).
//!
//! The schedule lives in the database (`watched_feeds`, `watched_articles`: local, never
//! synced), so a watcher that is killed and started again carries on where it was: an article
//! whose state was saved is not fetched again before it is due, and one fetched again with the
//! same text adds nothing (objects are content-addressed).
//!
//! A round ([`run_round`]) takes the time as an argument; errors and `429 Too Many Requests`
//! push the next try back ([`backoff`]), at least as far as `Retry-After` asks.

use super::{feed, FetchError, Fetcher, Validators};
use crate::extract::Extractor;
use crate::import::{import_page, Page};
use crate::model::Overrides;
use crate::objects::ObjectId;
use crate::relate::diff::{diff, Diff};
use crate::store::fetch::{FetchRecord, WatchedArticle, WatchedFeed};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// How a watcher behaves.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Articles first seen this long ago or less are fetched again even when the feed no
    /// longer names them.
    pub recent: Duration,
    /// The longest back-off after errors.
    pub max_backoff: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            recent: Duration::days(2),
            max_backoff: Duration::hours(24),
        }
    }
}

/// What happened in a round, in the order it happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// A feed answered: 200 with its articles, or 304 not modified.
    FeedPolled {
        feed: String,
        status: u16,
        /// Articles it names (200), or 0 (304).
        articles: usize,
    },
    /// A feed could not be polled; it is tried again at `retry_at`.
    FeedFailed {
        feed: String,
        error: String,
        failures: i64,
        retry_at: String,
    },
    /// The first version of an article.
    NewArticle {
        feed: String,
        url: String,
        final_url: String,
        document: ObjectId,
        version: ObjectId,
        number: i64,
        title: Option<String>,
        claims: usize,
        fetched_at: String,
    },
    /// A new version of an article seen before, with what changed since the version the
    /// watcher saw last.
    NewVersion {
        feed: String,
        url: String,
        final_url: String,
        document: ObjectId,
        version: ObjectId,
        number: i64,
        previous: ObjectId,
        title: Option<String>,
        diff: Diff,
        fetched_at: String,
    },
    /// An article whose text did not change (304, or the same text again).
    Unchanged {
        feed: String,
        url: String,
        status: u16,
    },
    /// An article that could not be fetched or imported; tried again at `retry_at`.
    ArticleFailed {
        feed: String,
        url: String,
        error: String,
        failures: i64,
        retry_at: String,
    },
}

impl Event {
    /// A change worth an alert (`--exec`): a new article or a new version.
    pub fn is_change(&self) -> bool {
        matches!(self, Event::NewArticle { .. } | Event::NewVersion { .. })
    }

    /// The event's name as in its JSON (`new-version`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Event::FeedPolled { .. } => "feed-polled",
            Event::FeedFailed { .. } => "feed-failed",
            Event::NewArticle { .. } => "new-article",
            Event::NewVersion { .. } => "new-version",
            Event::Unchanged { .. } => "unchanged",
            Event::ArticleFailed { .. } => "article-failed",
        }
    }
}

/// Why a round stopped (a feed or an article that fails does not: it is an [`Event`]).
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0:?}: not an http:// or https:// URL")]
    BadUrl(String),
    #[error("{0}: not on the watch list")]
    NotWatched(String),
}

/// Time as `claims` writes it: RFC 3339 UTC, second precision.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn parse_stamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn due(next: Option<&str>, now: DateTime<Utc>) -> bool {
    next.and_then(parse_stamp).is_none_or(|t| t <= now)
}

/// How long to wait after the `failures`-th error in a row: the interval, doubled for each
/// further error, at most `max`, and at least what `Retry-After` asked.
pub fn backoff(
    every: Duration,
    failures: i64,
    retry_after: Option<u64>,
    max: Duration,
) -> Duration {
    let doublings = u32::try_from((failures - 1).clamp(0, 20)).unwrap_or(0);
    let grown = every.checked_mul(1 << doublings).unwrap_or(max).min(max);
    let asked = retry_after
        .and_then(|s| i64::try_from(s).ok())
        .map(Duration::seconds)
        .unwrap_or_default();
    grown.max(asked)
}

/// Parses `15m`, `2h`, `30s`, `1d` or a number of seconds.
pub fn parse_every(text: &str) -> Option<Duration> {
    let t = text.trim();
    let (number, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&t[..i], &t[i..]),
        None => (t, "s"),
    };
    let n: i64 = number.parse().ok().filter(|n| *n > 0)?;
    match unit {
        "s" => Some(Duration::seconds(n)),
        "m" | "min" => Some(Duration::minutes(n)),
        "h" => Some(Duration::hours(n)),
        "d" => Some(Duration::days(n)),
        _ => None,
    }
}

/// Adds a feed to the watch list (`every` between polls). Returns false if it was there.
pub fn add(store: &Store, url: &str, every: Duration) -> Result<bool, WatchError> {
    if !super::is_url(url) {
        return Err(WatchError::BadUrl(url.to_string()));
    }
    Ok(store
        .fetches()
        .add_feed(url.trim(), every.num_seconds(), &crate::time::now_rfc3339())?)
}

/// Removes a feed from the watch list; the versions it brought stay.
pub fn remove(store: &Store, url: &str) -> Result<(), WatchError> {
    if store.fetches().remove_feed(url.trim())? {
        Ok(())
    } else {
        Err(WatchError::NotWatched(url.to_string()))
    }
}

/// The watch list.
pub fn list(store: &Store) -> Result<Vec<WatchedFeed>, WatchError> {
    Ok(store.fetches().feeds()?)
}

/// The earliest time something on the watch list is due (None: nothing is watched).
pub fn next_due(store: &Store) -> Result<Option<DateTime<Utc>>, WatchError> {
    let mut earliest: Option<DateTime<Utc>> = None;
    for f in store.fetches().feeds()? {
        let t = f
            .next_poll
            .as_deref()
            .and_then(parse_stamp)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        earliest = Some(earliest.map_or(t, |e| e.min(t)));
    }
    Ok(earliest)
}

/// One round at time `now`: every feed that is due is polled and its articles that are due
/// are fetched; `on_event` hears each event as it happens (the store is at that point
/// committed). Returns every event of the round.
pub fn run_round(
    store: &mut Store,
    fetcher: &mut Fetcher,
    extractor: &Extractor,
    options: &WatchOptions,
    now: DateTime<Utc>,
    on_event: &mut dyn FnMut(&Store, &Event),
) -> Result<Vec<Event>, WatchError> {
    let mut events = Vec::new();
    let mut emit = |store: &Store, e: Event, events: &mut Vec<Event>| {
        on_event(store, &e);
        events.push(e);
    };
    for mut feed in store.fetches().feeds()? {
        if !due(feed.next_poll.as_deref(), now) {
            continue;
        }
        let every = Duration::seconds(feed.every_seconds.max(1));
        let validators = Validators {
            etag: feed.etag.clone(),
            last_modified: feed.last_modified.clone(),
        };
        let polled = fetcher.get(&feed.url, &validators).and_then(|f| {
            if f.not_modified() {
                return Ok((f, Vec::new()));
            }
            let entries =
                feed::entries(&feed.url, &f.body).map_err(|reason| FetchError::NotAFeed {
                    url: feed.url.clone(),
                    reason,
                })?;
            Ok((f, entries))
        });
        feed.polled_at = Some(stamp(now));
        let (answer, entries) = match polled {
            Ok(ok) => ok,
            Err(e) => {
                feed.failures += 1;
                let retry =
                    now + backoff(every, feed.failures, e.retry_after(), options.max_backoff);
                feed.next_poll = Some(stamp(retry));
                feed.last_error = Some(e.to_string());
                store.fetches().save_feed(&feed)?;
                let event = Event::FeedFailed {
                    feed: feed.url.clone(),
                    error: e.to_string(),
                    failures: feed.failures,
                    retry_at: stamp(retry),
                };
                emit(store, event, &mut events);
                continue;
            }
        };
        emit(
            store,
            Event::FeedPolled {
                feed: feed.url.clone(),
                status: answer.status,
                articles: entries.len(),
            },
            &mut events,
        );
        // Every article the feed names is on record before any is fetched, so that one a
        // killed watcher did not reach is still fetched after a restart.
        for entry in &entries {
            if store.fetches().article(&entry.url)?.is_none() {
                store.fetches().save_article(&WatchedArticle {
                    url: entry.url.clone(),
                    feed_url: feed.url.clone(),
                    first_seen: stamp(now),
                    etag: None,
                    last_modified: None,
                    text_sha256: None,
                    fetched_at: None,
                    next_fetch: None,
                    failures: 0,
                    last_error: None,
                })?;
            }
        }
        let named: std::collections::HashSet<&str> =
            entries.iter().map(|e| e.url.as_str()).collect();
        let recent_since = now - options.recent;
        let articles: Vec<WatchedArticle> = store
            .fetches()
            .articles_of(&feed.url)?
            .into_iter()
            .filter(|a| {
                named.contains(a.url.as_str())
                    || parse_stamp(&a.first_seen).is_some_and(|t| t >= recent_since)
            })
            .filter(|a| due(a.next_fetch.as_deref(), now))
            .collect();
        for article in articles {
            let event = fetch_article(store, fetcher, extractor, options, &feed, article, now)?;
            emit(store, event, &mut events);
            crate::fault::point("watch-article");
        }
        if !answer.not_modified() {
            feed.etag = answer.etag.clone();
            feed.last_modified = answer.last_modified.clone();
        }
        feed.failures = 0;
        feed.last_error = None;
        feed.next_poll = Some(stamp(now + every));
        store.fetches().save_feed(&feed)?;
    }
    Ok(events)
}

/// Fetches one article again and imports its text if it changed.
fn fetch_article(
    store: &mut Store,
    fetcher: &mut Fetcher,
    extractor: &Extractor,
    options: &WatchOptions,
    feed: &WatchedFeed,
    mut state: WatchedArticle,
    now: DateTime<Utc>,
) -> Result<Event, WatchError> {
    let every = Duration::seconds(feed.every_seconds.max(1));
    let validators = Validators {
        etag: state.etag.clone(),
        last_modified: state.last_modified.clone(),
    };
    let fetched = fetcher
        .get(&state.url, &validators)
        .and_then(|f| f.require_html().map(|()| f));
    state.fetched_at = Some(stamp(now));
    let fetched = match fetched {
        Ok(f) => f,
        Err(e) => {
            return fail(
                store,
                options,
                feed,
                state,
                now,
                e.retry_after(),
                e.to_string(),
            );
        }
    };
    if !fetched.not_modified() {
        state.etag = fetched.etag.clone();
        state.last_modified = fetched.last_modified.clone();
    }
    state.failures = 0;
    state.last_error = None;
    state.next_fetch = Some(stamp(now + every));
    let sha = hex::encode(Sha256::digest(&fetched.body));
    if fetched.not_modified() || state.text_sha256.as_deref() == Some(sha.as_str()) {
        store.fetches().save_article(&state)?;
        return Ok(Event::Unchanged {
            feed: feed.url.clone(),
            url: state.url.clone(),
            status: fetched.status,
        });
    }
    let previous = store
        .fetches()
        .last_version_of(&state.url)?
        .and_then(|id| ObjectId::parse(&id).ok());
    state.text_sha256 = Some(sha);
    let page = Page {
        url: state.url.clone(),
        fetch: FetchRecord {
            url: state.url.clone(),
            final_url: fetched.final_url.clone(),
            canonical: None,
            fetched_at: fetched.fetched_at.clone(),
            status: fetched.status,
            etag: fetched.etag.clone(),
            last_modified: fetched.last_modified.clone(),
            body_sha256: None,
            version_id: None,
            feed_url: Some(feed.url.clone()),
        },
        body: fetched.body,
        watched: Some(state.clone()),
    };
    let report = match import_page(store, page, &Overrides::default(), extractor) {
        Ok(r) => r,
        Err(e) => {
            state.text_sha256 = None;
            return fail(store, options, feed, state, now, None, e.to_string());
        }
    };
    let Some(v) = report.report.versions.first() else {
        return Ok(Event::Unchanged {
            feed: feed.url.clone(),
            url: state.url,
            status: fetched.status,
        });
    };
    match previous {
        Some(prev) if prev != v.version => {
            let before = crate::store::query::versions::version_claims(store, &prev)?;
            let after = crate::store::query::versions::version_claims(store, &v.version)?;
            Ok(Event::NewVersion {
                feed: feed.url.clone(),
                url: state.url,
                final_url: fetched.final_url,
                document: v.document,
                version: v.version,
                number: v.number,
                previous: prev,
                title: v.title.clone(),
                diff: diff(&before, &after),
                fetched_at: fetched.fetched_at,
            })
        }
        Some(_) => Ok(Event::Unchanged {
            feed: feed.url.clone(),
            url: state.url,
            status: fetched.status,
        }),
        None => Ok(Event::NewArticle {
            feed: feed.url.clone(),
            url: state.url,
            final_url: fetched.final_url,
            document: v.document,
            version: v.version,
            number: v.number,
            title: v.title.clone(),
            claims: v.claims,
            fetched_at: fetched.fetched_at,
        }),
    }
}

/// Records a failed article and when it is tried again.
fn fail(
    store: &Store,
    options: &WatchOptions,
    feed: &WatchedFeed,
    mut state: WatchedArticle,
    now: DateTime<Utc>,
    retry_after: Option<u64>,
    error: String,
) -> Result<Event, WatchError> {
    let every = Duration::seconds(feed.every_seconds.max(1));
    state.failures += 1;
    let retry = now + backoff(every, state.failures, retry_after, options.max_backoff);
    state.next_fetch = Some(stamp(retry));
    state.last_error = Some(error.clone());
    store.fetches().save_article(&state)?;
    Ok(Event::ArticleFailed {
        feed: feed.url.clone(),
        url: state.url,
        error,
        failures: state.failures,
        retry_at: stamp(retry),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_most_and_honours_retry_after() {
        let every = Duration::minutes(15);
        let max = Duration::hours(2);
        assert_eq!(backoff(every, 1, None, max), Duration::minutes(15));
        assert_eq!(backoff(every, 2, None, max), Duration::minutes(30));
        assert_eq!(backoff(every, 3, None, max), Duration::minutes(60));
        assert_eq!(backoff(every, 9, None, max), Duration::hours(2));
        assert_eq!(backoff(every, 1, Some(3600), max), Duration::hours(1));
        assert_eq!(backoff(every, 400, None, max), Duration::hours(2));
    }

    #[test]
    fn intervals_read_units() {
        assert_eq!(parse_every("15m"), Some(Duration::minutes(15)));
        assert_eq!(parse_every("2h"), Some(Duration::hours(2)));
        assert_eq!(parse_every("90"), Some(Duration::seconds(90)));
        assert_eq!(parse_every("1d"), Some(Duration::days(1)));
        assert_eq!(parse_every("0m"), None);
        assert_eq!(parse_every("soon"), None);
    }

    #[test]
    fn a_time_never_set_is_due() {
        let now = Utc::now();
        assert!(due(None, now));
        assert!(due(Some(&stamp(now)), now));
        assert!(!due(Some(&stamp(now + Duration::seconds(1))), now));
    }
}
