//! My work: what a lead officer must update this period.

use super::{render, today};
use crate::AppState;
use crate::error::WebError;
use crate::views::assess;
use crate::views::scope::{Scope, ScopeOptions, ScopeQuery};
use crate::views::tree::{ActionLine, action_line};
use axum::extract::{Query, State};
use axum::response::Html;
use goldthread_domain::Review;
use goldthread_domain::status::IndicatorRag;
use goldthread_storage::SubmissionRow;
use serde::Serialize;
use std::collections::HashSet;

#[derive(Serialize)]
struct IndicatorDue {
    id: i64,
    code: Option<String>,
    title: String,
    period: Option<String>,
}

#[derive(Serialize)]
struct Page {
    title: &'static str,
    scope: Scope,
    officers: Vec<String>,
    period: String,
    to_update: Vec<ActionLine>,
    up_to_date: usize,
    values_due: Vec<IndicatorDue>,
    /// The signed-in account's posts, and its updates and values still
    /// waiting for sign-off or sent back.
    my_posts: Vec<String>,
    submissions: Vec<SubmissionRow>,
}

pub async fn page(
    State(state): State<AppState>,
    Query(mut query): Query<ScopeQuery>,
) -> Result<Html<String>, WebError> {
    let me = crate::auth::page_context().account;
    let (my_posts, submissions) = match &me {
        Some(me) => (
            state.store.posts_of(me.account_id).await?,
            state
                .store
                .submissions(&[Review::Pending, Review::Returned], Some(me.account_id))
                .await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    // An officer sees their own post's work without choosing it.
    if query.officer.as_deref().is_none_or(str::is_empty)
        && let Some(post) = my_posts.first()
    {
        query.officer = Some(post.clone());
    }
    let data = state.snapshot.get(&state.store).await?;
    let mut scope = Scope::from_query(&query, today());
    // An officer's work is on every plan their post leads in, in force or not.
    scope.all_plans = true;
    let mut to_update = Vec::new();
    let mut up_to_date = 0;
    let mut values_due = Vec::new();
    if scope.officer.is_some() {
        let actions = scope.actions(&data);
        for action in &actions {
            let a = assess::action(action, scope.as_at);
            if a.update_missing || a.health == goldthread_domain::status::ActionHealth::Overdue {
                to_update.push(action_line(action, a.health));
            } else {
                up_to_date += 1;
            }
        }
        let mine: HashSet<i64> = actions.iter().map(|a| a.id).collect();
        let rules = assess::rules(&data);
        for indicator in data
            .indicators
            .iter()
            .filter(|i| i.action_ids.iter().any(|a| mine.contains(a)))
        {
            let standing = assess::indicator(&data, indicator, &rules, scope.as_at);
            if standing.rag == IndicatorRag::Missing {
                values_due.push(IndicatorDue {
                    id: indicator.id,
                    code: indicator.code.clone(),
                    title: indicator.title.clone(),
                    period: standing.period,
                });
            }
        }
    }
    render(
        &state,
        "my_work.html",
        &Page {
            title: "My work",
            officers: ScopeOptions::of(&data).officers,
            period: goldthread_domain::status::reporting_quarter(scope.as_at).to_string(),
            scope,
            to_update,
            up_to_date,
            values_due,
            my_posts,
            submissions,
        },
    )
}
