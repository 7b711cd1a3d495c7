//! Accounts, the posts they hold, sessions, sign-in throttling, one-time
//! password links and API tokens.
//!
//! Changes to accounts go through `write.rs` and so into the history;
//! password hashes, sessions and failures are kept apart from it (they are
//! secrets or noise, not records a council audits). Tokens of every kind
//! arrive here already hashed: the database never holds one that works.

use crate::error::{Record, StoreError};
use crate::history::{Actor, ChangeContext, Origin};
use crate::write::{self, Val};
use crate::{Store, now_text};
use goldthread_domain::{Role, post_key};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// An account as the application sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub has_password: bool,
    /// The posts the account holds, by title.
    pub posts: Vec<String>,
    pub created_at: String,
    pub version: i64,
}

impl Account {
    /// Who this account is, as changes it makes are recorded.
    pub fn actor(&self) -> Actor {
        Actor::account(self.id, &self.name, &self.email)
    }
}

/// A new account's details.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub posts: Vec<String>,
}

/// A signed-in session with its account, as one query reads it.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub account_id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub csrf_token: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

/// Normalises an email address as stored and compared: trimmed, lower case.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn role_of(text: &str, id: i64) -> Result<Role, StoreError> {
    Record::new("accounts", id).read("role", text, "a role", Role::parse)
}

impl Store {
    /// How many accounts exist (an empty database has no admin yet).
    pub async fn account_count(&self) -> Result<i64, StoreError> {
        self.count("accounts").await
    }

    /// Creates an account, with its posts (created if the council has no
    /// post of that title yet). A second account with the same email is
    /// refused.
    pub async fn create_account(&self, new: &NewAccount, actor: &Actor) -> Result<i64, StoreError> {
        let email = normalise_email(&new.email);
        if !looks_like_email(&email) {
            return Err(StoreError::Invalid(format!(
                "'{}' is not an email address",
                new.email.trim()
            )));
        }
        if new.name.trim().is_empty() {
            return Err(StoreError::Invalid("an account needs a name".into()));
        }
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        if sqlx::query("SELECT id FROM accounts WHERE email = $1")
            .bind(&email)
            .fetch_optional(&mut *conn)
            .await?
            .is_some()
        {
            return Err(StoreError::Invalid(format!(
                "an account for {email} exists already"
            )));
        }
        let at = now_text();
        let ctx = edit_context(actor, &at);
        let id = write::insert(
            conn,
            ctx,
            "accounts",
            &[
                ("email", email.as_str().into()),
                ("name", new.name.trim().into()),
                ("role", new.role.as_str().into()),
                ("created_at", at.as_str().into()),
            ],
        )
        .await?;
        add_posts(conn, ctx, id, &new.posts).await?;
        self.commit_write(tx).await?;
        Ok(id)
    }

    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(account_select("ORDER BY a.email")))
            .fetch_all(&self.pool)
            .await?;
        let mut accounts = rows
            .iter()
            .map(account_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        for row in sqlx::query(
            "SELECT ap.account_id, p.title FROM account_posts ap JOIN posts p ON p.id = ap.post_id ORDER BY p.title",
        )
        .fetch_all(&self.pool)
        .await?
        {
            let account_id: i64 = row.try_get(0)?;
            if let Some(a) = accounts.iter_mut().find(|a| a.id == account_id) {
                a.posts.push(row.try_get(1)?);
            }
        }
        Ok(accounts)
    }

    pub async fn account(&self, id: i64) -> Result<Account, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(account_select("WHERE a.id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "accounts",
                id,
            })?;
        let mut account = account_from_row(&row)?;
        account.posts = self.posts_of(id).await?;
        Ok(account)
    }

    pub async fn account_by_email(&self, email: &str) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(account_select("WHERE a.email = $1")))
            .bind(normalise_email(email))
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(None),
            Some(row) => {
                let mut account = account_from_row(&row)?;
                account.posts = self.posts_of(account.id).await?;
                Ok(Some(account))
            }
        }
    }

    /// The titles of the posts an account holds.
    pub async fn posts_of(&self, account_id: i64) -> Result<Vec<String>, StoreError> {
        sqlx::query("SELECT p.title FROM account_posts ap JOIN posts p ON p.id = ap.post_id WHERE ap.account_id = $1 ORDER BY p.title")
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok(r.try_get(0)?))
            .collect()
    }

    /// Changes an account's role, name, disabled state or posts, at the
    /// version the admin saw. Disabling an account ends its sessions.
    pub async fn update_account(
        &self,
        id: i64,
        expected_version: i64,
        change: &AccountChange,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let at = now_text();
        let ctx = edit_context(actor, &at);
        let mut columns: Vec<(&'static str, Val)> = Vec::new();
        if let Some(role) = change.role {
            columns.push(("role", role.as_str().into()));
        }
        if let Some(name) = &change.name {
            columns.push(("name", name.trim().into()));
        }
        if let Some(disabled) = change.disabled {
            columns.push(("disabled_at", Val::Text(disabled.then(|| at.clone()))));
            if disabled {
                sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
            }
        }
        write::update_versioned(conn, ctx, "accounts", id, expected_version, &columns).await?;
        if let Some(posts) = &change.posts {
            let held = sqlx::query("SELECT id FROM account_posts WHERE account_id = $1")
                .bind(id)
                .fetch_all(&mut *conn)
                .await?;
            for row in held {
                write::delete(conn, ctx, "account_posts", row.try_get(0)?).await?;
            }
            add_posts(conn, ctx, id, posts).await?;
        }
        self.commit_write(tx).await?;
        Ok(())
    }

    /// The stored Argon2 hash of an account's password, if it has one.
    pub async fn password_hash(&self, account_id: i64) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query("SELECT hash FROM account_passwords WHERE account_id = $1")
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.try_get(0))
                .transpose()?,
        )
    }

    /// Sets an account's password hash, ends every session of the account
    /// but `keep_session`, and, when a one-time link was used, spends it in
    /// the same transaction (a link already spent or expired is refused).
    pub async fn set_password(
        &self,
        account_id: i64,
        hash: &str,
        keep_session: Option<&str>,
        link: Option<&str>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let at = now_text();
        if let Some(link) = link {
            let spent = sqlx::query(
                "UPDATE password_links SET used_at = $1 WHERE token_hash = $2 AND account_id = $3 AND used_at IS NULL AND expires_at > $1",
            )
            .bind(&at)
            .bind(link)
            .bind(account_id)
            .execute(&mut *conn)
            .await?;
            if spent.rows_affected() != 1 {
                return Err(StoreError::Invalid(
                    "this link has been used or has expired: ask for a new one".into(),
                ));
            }
        }
        sqlx::query("DELETE FROM account_passwords WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("INSERT INTO account_passwords (account_id, hash) VALUES ($1, $2)")
            .bind(account_id)
            .bind(hash)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
            .bind(account_id)
            .bind(keep_session.unwrap_or(""))
            .execute(&mut *conn)
            .await?;
        let version: i64 = sqlx::query("SELECT version FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        write::update_versioned(
            conn,
            edit_context(actor, &at),
            "accounts",
            account_id,
            version,
            &[("password_changed_at", at.as_str().into())],
        )
        .await?;
        self.commit_write(tx).await?;
        Ok(())
    }

    /// Keeps a one-time link (its hash) to set the account's password.
    pub async fn create_password_link(
        &self,
        token_hash: &str,
        account_id: i64,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO password_links (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(account_id)
        .bind(now_text())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The account a one-time link sets the password of, if the link is
    /// unspent and unexpired.
    pub async fn password_link_account(&self, token_hash: &str) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query(
            "SELECT account_id FROM password_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now_text())
        .fetch_optional(&self.pool)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?)
    }

    /// Starts a session.
    pub async fn create_session(
        &self,
        token_hash: &str,
        account_id: i64,
        csrf_token: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        let at = now_text();
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(token_hash)
        .bind(account_id)
        .bind(csrf_token)
        .bind(&at)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A session with its account: one primary-key lookup and a join.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT s.account_id, a.email, a.name, a.role, a.disabled_at, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at \
             FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let account_id: i64 = row.try_get(0)?;
        let role: String = row.try_get(3)?;
        Ok(Some(SessionRecord {
            account_id,
            email: row.try_get(1)?,
            name: row.try_get(2)?,
            role: role_of(&role, account_id)?,
            disabled: row.try_get::<Option<String>, _>(4)?.is_some(),
            csrf_token: row.try_get(5)?,
            created_at: row.try_get(6)?,
            last_seen_at: row.try_get(7)?,
            expires_at: row.try_get(8)?,
        }))
    }

    /// Notes that a session was used (for the idle timeout).
    pub async fn touch_session(&self, token_hash: &str, at: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(at)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a failed sign-in against each subject (the account, the
    /// address), and forgets failures older than `forget_before`.
    pub async fn record_sign_in_failure(
        &self,
        subjects: &[String],
        forget_before: &str,
    ) -> Result<(), StoreError> {
        let at = now_text();
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
            .bind(forget_before)
            .execute(&mut *tx)
            .await?;
        for subject in subjects {
            sqlx::query("INSERT INTO sign_in_failures (subject, at) VALUES ($1, $2)")
                .bind(subject)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The failed sign-ins against `subject` since `since`, oldest first.
    pub async fn sign_in_failures(
        &self,
        subject: &str,
        since: &str,
    ) -> Result<Vec<String>, StoreError> {
        sqlx::query("SELECT at FROM sign_in_failures WHERE subject = $1 AND at >= $2 ORDER BY at")
            .bind(subject)
            .bind(since)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok(r.try_get(0)?))
            .collect()
    }

    pub async fn clear_sign_in_failures(&self, subject: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1")
            .bind(subject)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Keeps a new API token (its hash); the secret is shown once, by the
    /// caller, and never again.
    pub async fn create_api_token(
        &self,
        name: &str,
        token_hash: &str,
        scope: &str,
        creator: &Account,
    ) -> Result<i64, StoreError> {
        if name.trim().is_empty() {
            return Err(StoreError::Invalid("a token needs a name".into()));
        }
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let at = now_text();
        let actor = creator.actor();
        let id = write::insert(
            conn,
            edit_context(&actor, &at),
            "api_tokens",
            &[
                ("name", name.trim().into()),
                ("token_hash", token_hash.into()),
                ("scope", scope.into()),
                ("created_by", creator.id.into()),
                ("created_at", at.as_str().into()),
            ],
        )
        .await?;
        self.commit_write(tx).await?;
        Ok(id)
    }

    pub async fn api_tokens(&self) -> Result<Vec<ApiToken>, StoreError> {
        sqlx::query(
            "SELECT t.id, t.name, t.scope, a.email, t.created_at, t.revoked_at, t.last_used_at FROM api_tokens t JOIN accounts a ON a.id = t.created_by ORDER BY t.id",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(ApiToken {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                scope: r.try_get(2)?,
                created_by: r.try_get(3)?,
                created_at: r.try_get(4)?,
                revoked_at: r.try_get(5)?,
                last_used_at: r.try_get(6)?,
            })
        })
        .collect()
    }

    pub async fn revoke_api_token(&self, id: i64, actor: &Actor) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let version: i64 = sqlx::query("SELECT version FROM api_tokens WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "api_tokens",
                id,
            })?
            .try_get(0)?;
        let at = now_text();
        write::update_versioned(
            conn,
            edit_context(actor, &at),
            "api_tokens",
            id,
            version,
            &[("revoked_at", at.as_str().into())],
        )
        .await?;
        self.commit_write(tx).await?;
        Ok(())
    }

    /// The scope of an unrevoked token by its hash, noting its use (at most
    /// once a minute, so a busy integration does not write on every call).
    pub async fn use_api_token(&self, token_hash: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT id, scope, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let id: i64 = row.try_get(0)?;
        let last: Option<String> = row.try_get(2)?;
        let now = chrono::Utc::now();
        let stale = last
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .is_none_or(|t| now.signed_duration_since(t) > chrono::Duration::minutes(1));
        if stale {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now_text())
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(row.try_get(1)?))
    }

    /// The posts that lead an action.
    pub async fn action_posts(&self, action_id: i64) -> Result<Vec<String>, StoreError> {
        sqlx::query("SELECT p.title FROM action_officers ao JOIN posts p ON p.id = ao.post_id WHERE ao.action_id = $1")
            .bind(action_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok(r.try_get(0)?))
            .collect()
    }

    /// The posts answerable for an indicator: its owner, and the lead
    /// officers of the actions it measures.
    pub async fn indicator_posts(&self, indicator_id: i64) -> Result<Vec<String>, StoreError> {
        let mut posts: Vec<String> =
            sqlx::query("SELECT owner FROM indicators WHERE id = $1 AND owner IS NOT NULL")
                .bind(indicator_id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
        for row in sqlx::query(
            "SELECT p.title FROM indicator_links l JOIN action_officers ao ON ao.action_id = l.action_id JOIN posts p ON p.id = ao.post_id WHERE l.indicator_id = $1",
        )
        .bind(indicator_id)
        .fetch_all(&self.pool)
        .await?
        {
            posts.push(row.try_get(0)?);
        }
        Ok(posts)
    }

    /// Every post title the council has, for the admin's choice.
    pub async fn post_titles(&self) -> Result<Vec<String>, StoreError> {
        sqlx::query("SELECT title FROM posts ORDER BY title")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok(r.try_get(0)?))
            .collect()
    }
}

/// What an admin changes about an account; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct AccountChange {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub posts: Option<Vec<String>>,
}

fn edit_context<'a>(actor: &'a Actor, at: &'a str) -> ChangeContext<'a> {
    ChangeContext {
        actor,
        at,
        plan_id: None,
        origin: Origin::Edit,
    }
}

fn account_select(filter: &str) -> String {
    format!(
        "SELECT a.id, a.email, a.name, a.role, a.disabled_at, a.created_at, a.version, \
         (SELECT COUNT(*) FROM account_passwords p WHERE p.account_id = a.id) AS passwords \
         FROM accounts a {filter}"
    )
}

fn account_from_row(row: &AnyRow) -> Result<Account, StoreError> {
    let id: i64 = row.try_get(0)?;
    let role: String = row.try_get(3)?;
    Ok(Account {
        id,
        email: row.try_get(1)?,
        name: row.try_get(2)?,
        role: role_of(&role, id)?,
        disabled: row.try_get::<Option<String>, _>(4)?.is_some(),
        created_at: row.try_get(5)?,
        version: row.try_get(6)?,
        has_password: row.try_get::<i64, _>(7)? > 0,
        posts: Vec::new(),
    })
}

/// Links an account to posts by title, matching the council's posts as
/// people write them (case and spacing aside) and creating missing ones.
async fn add_posts(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    account_id: i64,
    posts: &[String],
) -> Result<(), StoreError> {
    if posts.is_empty() {
        return Ok(());
    }
    let organisation_id = crate::import::ensure_organisation(conn, ctx).await?;
    let known: Vec<(i64, String)> =
        sqlx::query("SELECT id, title FROM posts WHERE organisation_id = $1")
            .bind(organisation_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, StoreError>>()?;
    let mut linked = Vec::new();
    for title in posts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let key = post_key(title);
        let post_id = match known.iter().find(|(_, t)| post_key(t) == key) {
            Some((id, _)) => *id,
            None => {
                write::insert(
                    conn,
                    ctx,
                    "posts",
                    &[
                        ("organisation_id", organisation_id.into()),
                        ("title", title.into()),
                    ],
                )
                .await?
            }
        };
        if linked.contains(&post_id) {
            continue;
        }
        linked.push(post_id);
        write::insert(
            conn,
            ctx,
            "account_posts",
            &[
                ("account_id", account_id.into()),
                ("post_id", post_id.into()),
            ],
        )
        .await?;
    }
    Ok(())
}

fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}
