//! `wurk report [bee|cron] [--slug] [--start] [--end] [--status] [--page] [--page-limit]
//! [--sort] [--sort-order]`: a page of this node's run reports. The query is checked here, so
//! that every client gets the same errors; the listing itself is `store::reports`.

use protocol::runtime::{ReportPage, ReportQuery};
use protocol::{ErrorReply, Response};
use uuid::Uuid;

use crate::handlers::{Context, Outcome};
use crate::input::parse_moment;
use crate::store::reports::{
    self, PageWindow, ReportFilter, ReportOrder, ReportSort, STATUSES, SlugFilter,
};

/// The most rows one page may hold, so that a page always fits in one reply.
pub const MAX_PAGE_LIMIT: i64 = 1000;

pub async fn report(ctx: &Context, query: ReportQuery) -> Outcome<Response> {
    let filter = filter(ctx.store.app_id, &query)?;
    let order = order(&query)?;
    let window = window(query.page, query.limit)?;

    // One read transaction, so that the total and the rows come from the same snapshot.
    let mut tx = ctx.store.read.begin_read().await?;
    let total = reports::count(&mut tx, &filter).await?;
    let rows = if window.limit == 0 {
        Vec::new()
    } else {
        reports::page(&mut tx, &filter, order, window).await?
    };
    tx.commit().await?;

    tracing::debug!(
        report.total = total,
        report.rows = rows.len(),
        "reports listed"
    );
    Ok(Response::Report(ReportPage {
        total,
        page: query.page,
        limit: query.limit,
        rows,
    }))
}

fn filter(app_id: Uuid, query: &ReportQuery) -> Result<ReportFilter, ErrorReply> {
    let slug = query.slug.clone().map(|slug| {
        if query.by_cron {
            SlugFilter::Cron(slug)
        } else {
            SlugFilter::Bee(slug)
        }
    });
    let start = query
        .start
        .as_deref()
        .map(|text| parse_moment("start", text))
        .transpose()?;
    let end = query
        .end
        .as_deref()
        .map(|text| parse_moment("end", text))
        .transpose()?;
    let status = query.status.as_deref().map(status).transpose()?;
    Ok(ReportFilter {
        app_id,
        slug,
        start,
        end,
        status,
    })
}

/// A status named in any case, as stored (upper case).
fn status(text: &str) -> Result<String, ErrorReply> {
    let upper = text.trim().to_ascii_uppercase();
    if STATUSES.contains(&upper.as_str()) {
        return Ok(upper);
    }
    Err(ErrorReply::invalid(format!(
        "unknown status '{text}'; use one of {}",
        STATUSES.join(", ")
    )))
}

fn order(query: &ReportQuery) -> Result<ReportOrder, ErrorReply> {
    let sort = ReportSort::from_name(&query.sort).ok_or_else(|| {
        let names: Vec<&str> = ReportSort::ALL.iter().map(|sort| sort.name()).collect();
        ErrorReply::invalid(format!(
            "cannot sort reports by '{}'; use one of {}",
            query.sort,
            names.join(", ")
        ))
    })?;
    Ok(ReportOrder {
        sort,
        descending: query.descending,
    })
}

fn window(page: i64, limit: i64) -> Result<PageWindow, ErrorReply> {
    if page < 0 {
        return Err(ErrorReply::invalid(format!(
            "page {page} is negative; pages are numbered from 0"
        )));
    }
    if !(0..=MAX_PAGE_LIMIT).contains(&limit) {
        return Err(ErrorReply::invalid(format!(
            "page limit {limit} is out of range; use 0 to {MAX_PAGE_LIMIT} rows per page"
        )));
    }
    let offset = page
        .checked_mul(limit)
        .ok_or_else(|| ErrorReply::invalid(format!("page {page} is beyond any report")))?;
    Ok(PageWindow { offset, limit })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query() -> ReportQuery {
        ReportQuery {
            by_cron: false,
            slug: None,
            start: None,
            end: None,
            status: None,
            page: 0,
            limit: 20,
            sort: "id".into(),
            descending: false,
        }
    }

    #[test]
    fn status_is_checked_in_any_case() {
        assert_eq!(status("error").as_deref(), Ok("ERROR"));
        let err = status("FAILED").expect_err("not a status");
        assert_eq!(
            err.message,
            "unknown status 'FAILED'; use one of PROCESSING, OVERRUN, TIMEOUT, ERROR, COMPLETED"
        );
    }

    #[test]
    fn pages_and_limits_are_checked() {
        assert_eq!(
            window(2, 20),
            Ok(PageWindow {
                offset: 40,
                limit: 20
            })
        );
        assert_eq!(
            window(5, 0),
            Ok(PageWindow {
                offset: 0,
                limit: 0
            })
        );
        assert!(
            window(-1, 20)
                .expect_err("negative")
                .message
                .contains("page -1")
        );
        assert!(
            window(0, -5)
                .expect_err("negative")
                .message
                .contains("page limit -5")
        );
        assert!(
            window(0, 1001)
                .expect_err("too big")
                .message
                .contains("0 to 1000")
        );
        assert!(window(i64::MAX, 1000).is_err());
    }

    #[test]
    fn slug_names_a_bee_unless_the_query_is_by_cron() {
        let bee = filter(
            Uuid::nil(),
            &ReportQuery {
                slug: Some("x".into()),
                ..query()
            },
        );
        assert_eq!(bee.map(|f| f.slug), Ok(Some(SlugFilter::Bee("x".into()))));
        let cron = filter(
            Uuid::nil(),
            &ReportQuery {
                slug: Some("x".into()),
                by_cron: true,
                ..query()
            },
        );
        assert_eq!(cron.map(|f| f.slug), Ok(Some(SlugFilter::Cron("x".into()))));
    }

    #[test]
    fn bad_bounds_and_sorts_are_named() {
        let bad_end = filter(
            Uuid::nil(),
            &ReportQuery {
                end: Some("soon".into()),
                ..query()
            },
        );
        assert!(
            bad_end
                .expect_err("bad end")
                .message
                .starts_with("end 'soon'")
        );
        let bad_sort = order(&ReportQuery {
            sort: "args".into(),
            ..query()
        });
        assert!(bad_sort.expect_err("bad sort").message.contains("'args'"));
    }
}
