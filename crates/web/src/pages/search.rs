//! Search across codes, titles, officers and commentary.

use super::render;
use crate::AppState;
use crate::error::WebError;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

#[derive(Serialize)]
struct Hit {
    href: String,
    kind: &'static str,
    code: Option<String>,
    title: String,
    context: Option<String>,
}

#[derive(Serialize)]
struct Page {
    title: &'static str,
    q: String,
    hits: Vec<Hit>,
    searched: bool,
    error: Option<&'static str>,
}

const LIMIT: i64 = 100;

pub async fn page(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
) -> Result<Html<String>, WebError> {
    let q = query.q.unwrap_or_default().trim().to_string();
    let (hits, error) = match q.chars().count() {
        0 => (Vec::new(), None),
        1 => (
            Vec::new(),
            Some("Enter at least 2 characters to search for"),
        ),
        _ => {
            let hits = state.store.search(&q, LIMIT).await?;
            let hits = hits
                .into_iter()
                .map(|h| Hit {
                    href: format!("/{}s/{}", h.kind, h.id),
                    kind: if h.kind == "action" {
                        "Action"
                    } else {
                        "Indicator"
                    },
                    code: h.code,
                    title: h.title,
                    context: h.context.map(|c| excerpt(&c, 200)),
                })
                .collect();
            (hits, None)
        }
    };
    let searched = !q.is_empty() && error.is_none();
    render(
        &state,
        "search.html",
        &Page {
            title: "Search",
            q,
            hits,
            searched,
            error,
        },
    )
}

/// The first `max` characters, cut at a word boundary.
fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let end = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", &cut[..end])
}
