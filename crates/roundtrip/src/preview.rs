//! What a filled workbook would change: each filled row checked by the
//! domain's entry rules (the forms' rules) and the recorder's rights,
//! shown as it is now and as it will become, with the records someone
//! changed after the export marked as conflicts.

use crate::RoundtripError;
use crate::current::{PlanProgress, figure};
use crate::layout::{self, action_col, cell_name, indicator_col};
use crate::read::{ActionRow, Filled, ValueRow};
use chrono::NaiveDate;
use goldthread_domain::{ActionStatus, Period, Role, entry, may_record, parse_figure};
use goldthread_storage::{Actor, NewMeasurement, NewProgress, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fmt;

/// Who is importing: their name for the history, role and posts for what
/// they may record.
#[derive(Debug, Clone)]
pub struct Who {
    pub actor: Actor,
    pub role: Role,
    pub posts: Vec<String>,
}

/// A cell that cannot be taken as it is, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub sheet: &'static str,
    pub cell: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}!{}: {}", self.sheet, self.cell, self.message)
    }
}

/// A record changed after the export, by whom and when.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub changed_by: String,
    pub changed_at: String,
}

/// What one filled row does.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub sheet: &'static str,
    /// As Excel numbers it.
    pub row: u32,
    /// "progress" or "value".
    pub kind: &'static str,
    pub record_id: i64,
    pub code: Option<String>,
    pub title: String,
    pub period: Option<String>,
    pub now: String,
    pub becomes: String,
    pub conflict: Option<Conflict>,
    #[serde(skip)]
    pub(crate) exported_version: i64,
    #[serde(skip)]
    pub(crate) current_version: i64,
    #[serde(skip)]
    pub(crate) what: What,
}

#[derive(Debug, Clone)]
pub(crate) enum What {
    Progress(NewProgress),
    Value(NewMeasurement),
}

/// Everything a filled workbook would change, and every problem with it.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub plan_id: i64,
    pub plan_title: String,
    pub exported_at: String,
    pub exported_by: String,
    pub changes: Vec<Change>,
    pub problems: Vec<Problem>,
    pub conflicts: usize,
    /// Names exactly these changes against exactly these records: a
    /// confirmation carrying another was made from a different preview.
    pub fingerprint: String,
}

/// Previews `filled` against the plan as it stands on `today`. With
/// `for_plan`, a workbook of another plan is refused.
pub async fn preview(
    store: &Store,
    filled: &Filled,
    for_plan: Option<i64>,
    who: &Who,
    today: NaiveDate,
) -> Result<Preview, RoundtripError> {
    if let Some(plan) = for_plan
        && plan != filled.plan_id
    {
        return Err(RoundtripError::Refused(format!(
            "This workbook is for plan {} ({}), not plan {plan}. Import it on its own plan's page, or download this plan's workbook.",
            filled.plan_id, filled.plan_title
        )));
    }
    let now = PlanProgress::load(store, filled.plan_id, today).await?;
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    let mut seen = HashSet::new();
    for row in &filled.actions {
        if let Some(change) = action_change(&now, row, &mut seen, &mut problems) {
            changes.push(change);
        }
    }
    let mut seen = HashSet::new();
    for row in &filled.values {
        if let Some(change) = value_change(&now, row, &mut seen, &mut problems) {
            changes.push(change);
        }
    }
    check_rights(store, who, &changes, &mut problems).await?;
    let mut conflicts = 0;
    for change in &mut changes {
        if change.exported_version != change.current_version {
            conflicts += 1;
            let entity = match change.what {
                What::Progress(_) => "actions",
                What::Value(_) => "measurements",
            };
            let id = match &change.what {
                What::Progress(_) => Some(change.record_id),
                What::Value(m) => store.measurement_id(change.record_id, m.period).await?,
            };
            let last = match id {
                Some(id) => store.last_change(entity, id).await?,
                None => None,
            };
            let (changed_by, changed_at) =
                last.unwrap_or_else(|| ("someone".into(), "an unknown time".into()));
            change.conflict = Some(Conflict {
                changed_by,
                changed_at: changed_at
                    .get(..16)
                    .unwrap_or(&changed_at)
                    .replace('T', " "),
            });
        }
    }
    let fingerprint = fingerprint(&changes);
    Ok(Preview {
        plan_id: now.plan_id,
        plan_title: now.title,
        exported_at: filled.exported_at.clone(),
        exported_by: filled.exported_by.clone(),
        changes,
        problems,
        conflicts,
        fingerprint,
    })
}

fn problem(sheet: &'static str, col: u16, row: u32, message: impl Into<String>) -> Problem {
    Problem {
        sheet,
        cell: cell_name(col, row),
        message: message.into(),
    }
}

fn edited_key(sheet: &'static str, row: u32, what: &str) -> Problem {
    problem(
        sheet,
        0,
        row,
        format!(
            "the hidden key of this row {what}: the key columns were edited, or rows were copied in from elsewhere. Download a new workbook and fill that in."
        ),
    )
}

fn action_change(
    now: &PlanProgress,
    row: &ActionRow,
    seen: &mut HashSet<i64>,
    problems: &mut Vec<Problem>,
) -> Option<Change> {
    let sheet = layout::ACTIONS;
    let r = row.row;
    let Ok(id) = row.key.parse::<i64>() else {
        problems.push(edited_key(
            sheet,
            r,
            &format!("('{}') is not an action", row.key),
        ));
        return None;
    };
    let Some(action) = now.actions.iter().find(|a| a.id == id) else {
        problems.push(edited_key(
            sheet,
            r,
            &format!("names action {id}, which is not in this plan"),
        ));
        return None;
    };
    if row.code != action.code.clone().unwrap_or_default() || row.title != action.title.trim() {
        problems.push(edited_key(
            sheet,
            r,
            &format!(
                "names {} but the row reads {}",
                name(&action.code, &action.title),
                name(&Some(row.code.clone()), &row.title)
            ),
        ));
        return None;
    }
    let Ok(exported_version) = row.stamp.parse::<i64>() else {
        problems.push(edited_key(sheet, r, "has lost its stamp"));
        return None;
    };
    if !seen.insert(id) {
        problems.push(problem(
            sheet,
            action_col::NEW_STATUS,
            r,
            format!(
                "{} is in the workbook twice: fill in one row for it",
                name(&action.code, &action.title)
            ),
        ));
        return None;
    }
    let words = || {
        ActionStatus::ALL
            .iter()
            .map(|s| s.label())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let status = if row.status.is_empty() {
        problems.push(problem(
            sheet,
            action_col::NEW_STATUS,
            r,
            format!(
                "choose the new status (one of {}) to go with the commentary",
                words()
            ),
        ));
        None
    } else {
        let found = parse_status(&row.status);
        if found.is_none() {
            problems.push(problem(
                sheet,
                action_col::NEW_STATUS,
                r,
                format!("'{}' is not a status; use one of {}", row.status, words()),
            ));
        }
        found
    };
    let commentary = row.commentary.trim();
    if commentary.is_empty() {
        problems.push(problem(
            sheet,
            action_col::COMMENTARY,
            r,
            "write a commentary on progress",
        ));
    } else if commentary.chars().count() > 10_000 {
        problems.push(problem(
            sheet,
            action_col::COMMENTARY,
            r,
            "the commentary must be 10,000 characters or fewer",
        ));
    }
    let as_at = if row.as_at.is_empty() {
        Some(now.today)
    } else {
        match parse_day(&row.as_at) {
            None => {
                problems.push(problem(
                    sheet,
                    action_col::AS_AT,
                    r,
                    format!("'{}' is not a date; enter one like 30/09/2024", row.as_at),
                ));
                None
            }
            Some(day) => match entry::check_update_date(day, now.span.map(|s| s.0), now.today) {
                Ok(()) => Some(day),
                Err(why) => {
                    problems.push(problem(sheet, action_col::AS_AT, r, format!("{why}")));
                    None
                }
            },
        }
    };
    let (Some(status), Some(as_at), false) = (status, as_at, commentary.is_empty()) else {
        return None;
    };
    let said = |status: ActionStatus, as_at: NaiveDate, commentary: &str| {
        format!(
            "{}, as at {}: {}",
            status.label(),
            as_at.format("%-d %B %Y"),
            shorten(commentary)
        )
    };
    Some(Change {
        sheet,
        row: r + 1,
        kind: "progress",
        record_id: id,
        code: action.code.clone(),
        title: action.title.clone(),
        period: None,
        now: action.latest.as_ref().map_or_else(
            || "No progress reported".to_string(),
            |u| said(u.status, u.as_at, &u.commentary),
        ),
        becomes: said(status, as_at, commentary),
        conflict: None,
        exported_version,
        current_version: now.action_version(id),
        what: What::Progress(NewProgress {
            as_at,
            status,
            percent_complete: None,
            commentary: commentary.to_string(),
            revised_due: None,
        }),
    })
}

fn value_change(
    now: &PlanProgress,
    row: &ValueRow,
    seen: &mut HashSet<(i64, Period)>,
    problems: &mut Vec<Problem>,
) -> Option<Change> {
    let sheet = layout::INDICATORS;
    let r = row.row;
    let Ok(id) = row.key.parse::<i64>() else {
        problems.push(edited_key(
            sheet,
            r,
            &format!("('{}') is not an indicator", row.key),
        ));
        return None;
    };
    let Some(indicator) = now.indicators.iter().find(|i| i.id == id) else {
        problems.push(edited_key(
            sheet,
            r,
            &format!("names indicator {id}, which is not in this plan"),
        ));
        return None;
    };
    if row.code != indicator.code.clone().unwrap_or_default() || row.title != indicator.title.trim()
    {
        problems.push(edited_key(
            sheet,
            r,
            &format!(
                "names {} but the row reads {}",
                name(&indicator.code, &indicator.title),
                name(&Some(row.code.clone()), &row.title)
            ),
        ));
        return None;
    }
    let Ok(exported_version) = row.stamp.parse::<i64>() else {
        problems.push(edited_key(sheet, r, "has lost its stamp"));
        return None;
    };
    let Ok(period) = row.period.parse::<Period>() else {
        problems.push(problem(
            sheet,
            indicator_col::PERIOD,
            r,
            format!(
                "'{}' is not a period; write it as exported, like 2024/25 Q1, 2024/25 H1, 2024/25 or 2024-05",
                row.period
            ),
        ));
        return None;
    };
    if !seen.insert((id, period)) {
        problems.push(problem(
            sheet,
            indicator_col::PERIOD,
            r,
            format!(
                "{} has two rows for {period}: fill in one",
                name(&indicator.code, &indicator.title)
            ),
        ));
        return None;
    }
    if row.value.is_empty() {
        problems.push(problem(
            sheet,
            indicator_col::NEW_VALUE,
            r,
            "enter the new value, or clear the note",
        ));
        return None;
    }
    let Some(value) = parse_figure(&row.value).map(|f| f.value) else {
        problems.push(problem(
            sheet,
            indicator_col::NEW_VALUE,
            r,
            format!("'{}' is not a number; enter a figure, like 72.5", row.value),
        ));
        return None;
    };
    if let Err(why) = entry::check_value(&now.value_context(indicator), period, value) {
        let col = match why {
            entry::EntryProblem::Negative { .. } | entry::EntryProblem::NotFinite => {
                indicator_col::NEW_VALUE
            }
            _ => indicator_col::PERIOD,
        };
        problems.push(problem(sheet, col, r, why.to_string()));
        return None;
    }
    if row.note.chars().count() > 2_000 {
        problems.push(problem(
            sheet,
            indicator_col::NOTE,
            r,
            "the note must be 2,000 characters or fewer",
        ));
        return None;
    }
    let stored = now.stamps.values.get(&(id, period.to_string()));
    let now_text = match stored {
        None => "No value".to_string(),
        Some(v) => {
            let shown = v
                .value
                .map(figure)
                .or(v.text.clone())
                .unwrap_or_else(|| "No value".into());
            match v.review.as_str() {
                "pending" => format!("{shown} (waiting for sign-off)"),
                "returned" => format!("{shown} (returned)"),
                _ => shown,
            }
        }
    };
    let note = Some(row.note.clone()).filter(|n| !n.is_empty());
    Some(Change {
        sheet,
        row: r + 1,
        kind: "value",
        record_id: id,
        code: indicator.code.clone(),
        title: indicator.title.clone(),
        period: Some(period.to_string()),
        now: now_text,
        becomes: match &note {
            Some(n) => format!("{} (note: {})", figure(value), shorten(n)),
            None => figure(value),
        },
        conflict: None,
        exported_version,
        current_version: now.value_version(id, period),
        what: What::Value(NewMeasurement {
            period,
            value: Some(value),
            text: None,
            note,
        }),
    })
}

/// Officers record only on what their posts lead or own, as on the forms.
async fn check_rights(
    store: &Store,
    who: &Who,
    changes: &[Change],
    problems: &mut Vec<Problem>,
) -> Result<(), RoundtripError> {
    if who.role >= Role::Editor {
        return Ok(());
    }
    for change in changes {
        let posts = match change.what {
            What::Progress(_) => store.action_posts(change.record_id).await?,
            What::Value(_) => store.indicator_posts(change.record_id).await?,
        };
        let record: Vec<&str> = posts.iter().map(String::as_str).collect();
        if !may_record(who.role, who.posts.iter().map(String::as_str), &record) {
            let col = match change.what {
                What::Progress(_) => action_col::NEW_STATUS,
                What::Value(_) => indicator_col::NEW_VALUE,
            };
            problems.push(problem(
                change.sheet,
                col,
                change.row - 1,
                format!(
                    "you cannot record on {}: only the holders of {} (and the performance team) can",
                    name(&change.code, &change.title),
                    if posts.is_empty() { "its lead post".to_string() } else { posts.join(", ") }
                ),
            ));
        }
    }
    Ok(())
}

/// A status as the drop-down gives it ("On track") or as Goldthread
/// names it ("on_track"), in any case.
fn parse_status(text: &str) -> Option<ActionStatus> {
    let text = text.trim();
    ActionStatus::ALL
        .iter()
        .copied()
        .find(|s| s.label().eq_ignore_ascii_case(text) || s.as_str().eq_ignore_ascii_case(text))
}

/// A day as a date cell reads back ("30 September 2024") or as typed.
fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    for format in ["%d %B %Y", "%Y-%m-%d", "%d/%m/%Y", "%d %b %Y", "%d-%m-%Y"] {
        if let Ok(day) = NaiveDate::parse_from_str(text, format) {
            return Some(day);
        }
    }
    // A date typed into a cell without a date format reads as its serial
    // number (days from 30 December 1899).
    let serial = text
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=2_958_465).contains(n))?;
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::days(serial))
}

fn name(code: &Option<String>, title: &str) -> String {
    match code.as_deref().filter(|c| !c.is_empty()) {
        Some(code) => format!("{code} {title}"),
        None => title.to_string(),
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= 300 {
        return text.to_string();
    }
    let cut: String = text.chars().take(300).collect();
    format!("{cut}…")
}

fn fingerprint(changes: &[Change]) -> String {
    let mut hash = Sha256::new();
    for c in changes {
        hash.update(format!(
            "{}|{}|{}|{}|{:?}|{}|{}|{}\n",
            c.sheet,
            c.row,
            c.kind,
            c.record_id,
            c.period,
            c.becomes,
            c.exported_version,
            c.current_version
        ));
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_read_as_the_drop_down_and_goldthread_write_them() {
        assert_eq!(parse_status("On track"), Some(ActionStatus::OnTrack));
        assert_eq!(parse_status(" at_risk "), Some(ActionStatus::AtRisk));
        assert_eq!(parse_status("ACHIEVED"), Some(ActionStatus::Achieved));
        assert_eq!(parse_status("Gren"), None);
    }

    #[test]
    fn days_are_read_as_date_cells_and_people_give_them() {
        let day = NaiveDate::from_ymd_opt(2024, 9, 30);
        for text in [
            "30 September 2024",
            "2024-09-30",
            "30/09/2024",
            "30 Sep 2024",
            "45565",
        ] {
            assert_eq!(parse_day(text), day, "{text}");
        }
        assert_eq!(parse_day("9 May 2024"), NaiveDate::from_ymd_opt(2024, 5, 9));
        assert_eq!(parse_day("next week"), None);
        assert_eq!(parse_day("31/02/2024"), None);
    }
}
