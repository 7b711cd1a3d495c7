//! `goldthread user …` and the demo accounts: accounts made from the
//! command line, where the first administrator comes from.

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use goldthread_domain::{Role, check_password};
use goldthread_storage::{AccountChange, Actor, NewAccount, Store};
use std::io::Read;
use std::process::ExitCode;

#[derive(Args)]
pub struct UserArgs {
    #[command(flatten)]
    database: crate::DatabaseArgs,
    /// Where one-time links point (the address people open Goldthread at).
    #[arg(
        long,
        env = "GOLDTHREAD_BASE_URL",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    base_url: String,
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account. Without --password-stdin it prints a one-time link
    /// to set the password.
    Add {
        email: String,
        #[arg(long)]
        name: String,
        /// admin, editor, officer or viewer.
        #[arg(long)]
        role: String,
        /// A post the account holds, as plans name lead officers (repeat for several).
        #[arg(long = "post")]
        posts: Vec<String>,
        /// Read the password from standard input (one line).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts: email, role, state, posts.
    List,
    /// Change an account's role.
    SetRole { email: String, role: String },
    /// Disable an account: it cannot sign in, and its sessions end now.
    Disable { email: String },
    /// Print a one-time link to set a new password.
    ResetLink { email: String },
}

fn parse_role(text: &str) -> anyhow::Result<Role> {
    Role::parse(&text.trim().to_ascii_lowercase())
        .with_context(|| format!("'{text}' is not a role: use admin, editor, officer or viewer"))
}

fn cli_actor() -> Actor {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    Actor::process(&format!("cli ({user})"))
}

pub async fn run(args: UserArgs) -> anyhow::Result<ExitCode> {
    let store = args.database.open().await?;
    let actor = cli_actor();
    match args.command {
        UserCommand::Add {
            email,
            name,
            role,
            posts,
            password_stdin,
        } => {
            let role = parse_role(&role)?;
            let password = if password_stdin {
                let mut text = String::new();
                std::io::stdin()
                    .take(64 * 1024)
                    .read_to_string(&mut text)
                    .context("cannot read the password from standard input")?;
                let password = text.lines().next().unwrap_or_default().to_string();
                if let Err(problem) = check_password(&password, &email, &name) {
                    bail!("{problem}");
                }
                Some(password)
            } else {
                None
            };
            let new = NewAccount {
                email,
                name,
                role,
                posts,
            };
            let id = store.create_account(&new, &actor).await?;
            let account = store.account(id).await?;
            match password {
                Some(password) => {
                    let hash = goldthread_web::auth::password::hash(password).await?;
                    store.set_password(id, &hash, None, None, &actor).await?;
                    eprintln!("added {} ({})", account.email, account.role);
                }
                None => {
                    let link =
                        goldthread_web::auth::password_link(&store, &args.base_url, id).await?;
                    eprintln!(
                        "added {} ({}); send them this link to set a password (it works once, for {} hours):",
                        account.email,
                        account.role,
                        goldthread_web::auth::LINK_HOURS
                    );
                    println!("{link}");
                }
            }
        }
        UserCommand::List => {
            for a in store.accounts().await? {
                let state = if a.disabled {
                    "disabled"
                } else if a.has_password {
                    "active"
                } else {
                    "no-password"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    a.email,
                    a.role,
                    state,
                    a.name,
                    a.posts.join("; ")
                );
            }
        }
        UserCommand::SetRole { email, role } => {
            let role = parse_role(&role)?;
            let account = find(&store, &email).await?;
            let change = AccountChange {
                role: Some(role),
                ..AccountChange::default()
            };
            store
                .update_account(account.id, account.version, &change, &actor)
                .await?;
            eprintln!("{} is now {role}", account.email);
        }
        UserCommand::Disable { email } => {
            let account = find(&store, &email).await?;
            let change = AccountChange {
                disabled: Some(true),
                ..AccountChange::default()
            };
            store
                .update_account(account.id, account.version, &change, &actor)
                .await?;
            eprintln!("{} is disabled and signed out", account.email);
        }
        UserCommand::ResetLink { email } => {
            let account = find(&store, &email).await?;
            let link =
                goldthread_web::auth::password_link(&store, &args.base_url, account.id).await?;
            eprintln!(
                "a link to set a new password for {} (it works once, for {} hours):",
                account.email,
                goldthread_web::auth::LINK_HOURS
            );
            println!("{link}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn find(store: &Store, email: &str) -> anyhow::Result<goldthread_storage::Account> {
    store
        .account_by_email(email)
        .await?
        .with_context(|| format!("no account has the email {email}"))
}

/// One demo account per role, each with a fresh random password printed
/// on start (a demo database on a reachable machine keeps no known
/// password). The officer holds a post that leads actions in the samples.
pub async fn demo_accounts(store: &Store) -> anyhow::Result<Vec<(String, Role, String)>> {
    let actor = Actor::process("demo");
    let posts = store.post_titles().await?;
    let officer_post = posts
        .iter()
        .find(|p| p.as_str() == "Head of Revenues and Benefits")
        .or(posts.first())
        .cloned();
    let people = [
        (
            "admin@demo.goldthread.test",
            "Demo Administrator",
            Role::Admin,
            None,
        ),
        (
            "editor@demo.goldthread.test",
            "Demo Performance Officer",
            Role::Editor,
            None,
        ),
        (
            "officer@demo.goldthread.test",
            "Demo Lead Officer",
            Role::Officer,
            officer_post,
        ),
        (
            "viewer@demo.goldthread.test",
            "Demo Councillor",
            Role::Viewer,
            None,
        ),
    ];
    let mut made = Vec::new();
    for (email, name, role, post) in people {
        let id = match store.account_by_email(email).await? {
            Some(account) => account.id,
            None => {
                let new = NewAccount {
                    email: email.into(),
                    name: name.into(),
                    role,
                    posts: post.into_iter().collect(),
                };
                store.create_account(&new, &actor).await?
            }
        };
        let password = format!("demo-{}", &goldthread_web::auth::random_token()?[..16]);
        let hash = goldthread_web::auth::password::hash(password.clone()).await?;
        store.set_password(id, &hash, None, None, &actor).await?;
        made.push((email.to_string(), role, password));
    }
    Ok(made)
}
