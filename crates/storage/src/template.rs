//! The council's plan template (`goldthread_domain::Template`), kept as
//! JSON on the organisation's record, so a change to it is in the history
//! like any edit. No template kept means the default one.

use crate::error::{Record, StoreError};
use crate::history::{Actor, ChangeContext};
use crate::import::ensure_organisation;
use crate::write;
use crate::{Store, now_text};
use goldthread_domain::Template;
use sqlx::{AnyConnection, Row};

impl Store {
    /// The template the forms follow, with the organisation's version (0
    /// before there is an organisation) for the template form.
    pub async fn template(&self) -> Result<(Template, i64), StoreError> {
        let Some(row) =
            sqlx::query("SELECT id, template, version FROM organisations ORDER BY id LIMIT 1")
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok((Template::default(), 0));
        };
        let id: i64 = row.try_get("id")?;
        let version: i64 = row.try_get("version")?;
        let text: Option<String> = row.try_get("template")?;
        let template = match text {
            None => Template::default(),
            Some(text) => serde_json::from_str(&text).map_err(|_| {
                Record::new("organisations", id).corrupt("template", &text, "a plan template")
            })?,
        };
        Ok((template, version))
    }

    /// Keeps the template, changed from the one seen at `expected_version`;
    /// a template with problems is refused, naming them.
    pub async fn set_template(
        &self,
        template: &Template,
        expected_version: i64,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let problems = template.problems();
        if !problems.is_empty() {
            let reasons: Vec<String> = problems.into_iter().map(|(_, why)| why).collect();
            return Err(StoreError::Invalid(reasons.join("; ")));
        }
        let json = serde_json::to_string(template)
            .map_err(|e| StoreError::Invalid(format!("the template could not be kept: {e}")))?;
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let at = now_text();
        let ctx = ChangeContext::edit(actor, &at, None);
        let organisation = ensure_organisation(conn, ctx).await?;
        // A form shown before any template was kept saw version 0 (there
        // may have been no organisation yet): it stands while none is kept.
        let expected = match expected_version {
            0 => match kept_template(conn, organisation).await? {
                (None, current) => current,
                (Some(_), _) => 0,
            },
            seen => seen,
        };
        write::update_versioned(
            conn,
            ctx,
            "organisations",
            organisation,
            expected,
            &[("template", json.into())],
        )
        .await?;
        self.commit_write(tx).await
    }
}

/// The organisation's kept template (as stored) and its version.
async fn kept_template(
    conn: &mut AnyConnection,
    organisation: i64,
) -> Result<(Option<String>, i64), StoreError> {
    let row = sqlx::query("SELECT template, version FROM organisations WHERE id = $1")
        .bind(organisation)
        .fetch_one(&mut *conn)
        .await?;
    Ok((row.try_get("template")?, row.try_get("version")?))
}
