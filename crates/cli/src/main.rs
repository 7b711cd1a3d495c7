//! `goldthread`: the one binary. A thin layer over the library crates: it
//! parses arguments, opens the store, and reports errors as one clear line.

mod accounts;
mod demo;
mod generate;
mod import;
mod import_report;
mod plan_document;
mod progress;
mod report;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use goldthread_storage::Store;
use std::path::PathBuf;
use std::process::ExitCode;

/// Reading a plan makes many small strings; mimalloc serves them with a
/// fraction of the system allocator's work (BENCHMARKS.md, importer). It is
/// built without transparent huge pages (the workspace's Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An import frees the file and its blocks once the plan is read, and then
/// writes its findings and report: given back at once, not after mimalloc's
/// usual 10 ms, that memory leaves the import's peak (−10 MB of a 20 MB
/// plan's 120, BENCHMARKS.md). A server keeps the delay: it frees and
/// allocates again all the time.
fn give_back_freed_memory_at_once() {
    // `mi_option_purge_delay` in mimalloc v2's `mimalloc.h`, which
    // libmimalloc-sys does not name.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets one of mimalloc's options, which it reads at each purge;
    // no memory is touched.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
}

#[derive(Parser)]
#[command(
    name = "goldthread",
    version,
    about = "Performance management and service planning for councils"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server.
    Serve {
        #[command(flatten)]
        database: DatabaseArgs,
        /// Address to listen on.
        #[arg(long, env = "GOLDTHREAD_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Load the sample council plans into an empty database first, and
        /// make one demo account per role (passwords printed on start).
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Manage accounts: add, list, set-role, disable, reset-link.
    User(accounts::UserArgs),
    /// List every route with the access it asks for.
    Routes {
        /// As JSON: [{"method", "path", "access"}].
        #[arg(long)]
        json: bool,
    },
    /// Import plan documents (text, Word .docx, Excel .xlsx, CSV, Goldthread JSON).
    Import(import::ImportArgs),
    /// Write plans as Goldthread JSON, which `import` reads back exactly.
    Export {
        #[command(flatten)]
        database: DatabaseArgs,
        /// Plan ids to export (see /api/v1/plans); all plans when omitted.
        #[arg(long = "plan")]
        plans: Vec<i64>,
        /// File to write; standard output when omitted.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// A plan's progress through Excel: export a workbook, import it filled in.
    Progress(progress::ProgressArgs),
    /// Write the quarterly performance report pack for a period and scope.
    Report(report::ReportArgs),
    /// Write a plan as the document a committee approves (Word, PDF or HTML).
    PlanDocument(plan_document::PlanDocumentArgs),
    /// Fill a database with a deterministic, realistic large council for benchmarks.
    Generate(generate::GenerateArgs),
    /// Copy a live SQLite database to FILE consistently.
    Backup {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The new file to write.
        file: PathBuf,
    },
    /// Put a backup in place as the data directory's database (the server
    /// must be stopped); the database there now is kept aside.
    Restore {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The backup file to restore.
        file: PathBuf,
    },
}

/// How sign-in sessions and cookies behave.
#[derive(Args, Clone)]
pub struct AuthArgs {
    /// Mark cookies Secure: set when users reach Goldthread over HTTPS.
    #[arg(long, env = "GOLDTHREAD_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Behind a reverse proxy: read the client's address from X-Forwarded-For.
    #[arg(long, env = "GOLDTHREAD_BEHIND_PROXY")]
    behind_proxy: bool,
    /// Minutes a session may sit unused before it ends.
    #[arg(long, env = "GOLDTHREAD_SESSION_IDLE_MINUTES", default_value_t = 120)]
    session_idle_minutes: u64,
    /// Hours after signing in that a session ends, used or not.
    #[arg(long, env = "GOLDTHREAD_SESSION_HOURS", default_value_t = 12)]
    session_hours: u64,
    /// The address people open Goldthread at: one-time links and the
    /// single sign-on redirect URI point there [default: http://ADDRESS
    /// Goldthread listens on].
    #[arg(long, env = "GOLDTHREAD_BASE_URL")]
    base_url: Option<String>,
    /// Single sign-on: the OpenID Connect issuer, exactly as the provider
    /// names itself (Microsoft Entra ID:
    /// https://login.microsoftonline.com/TENANT-ID/v2.0).
    #[arg(long, env = "GOLDTHREAD_OIDC_ISSUER")]
    oidc_issuer: Option<String>,
    /// Single sign-on: the client (application) id registered with the provider.
    #[arg(long, env = "GOLDTHREAD_OIDC_CLIENT_ID")]
    oidc_client_id: Option<String>,
    /// Single sign-on: the client secret (prefer the variable: a flag shows in the process list).
    #[arg(long, env = "GOLDTHREAD_OIDC_CLIENT_SECRET", hide_env_values = true)]
    oidc_client_secret: Option<String>,
    /// Single sign-on: the role of an account made at someone's first
    /// sign-in (viewer, officer or editor), or "none" to let in only people
    /// who already have an account.
    #[arg(long, env = "GOLDTHREAD_OIDC_DEFAULT_ROLE", default_value = "viewer")]
    oidc_default_role: String,
    /// The licence the public open data is published under [default: Open
    /// Government Licence v3.0]; give its URL with --open-data-licence-url.
    #[arg(long, env = "GOLDTHREAD_OPEN_DATA_LICENCE")]
    open_data_licence: Option<String>,
    /// Where the open data licence is set out.
    #[arg(long, env = "GOLDTHREAD_OPEN_DATA_LICENCE_URL")]
    open_data_licence_url: Option<String>,
}

impl AuthArgs {
    /// Single sign-on, if configured: all three of issuer, client id and
    /// secret, or none.
    fn sso(&self) -> anyhow::Result<Option<goldthread_web::auth::sso::SsoConfig>> {
        let given = [
            ("--oidc-issuer (GOLDTHREAD_OIDC_ISSUER)", &self.oidc_issuer),
            (
                "--oidc-client-id (GOLDTHREAD_OIDC_CLIENT_ID)",
                &self.oidc_client_id,
            ),
            (
                "--oidc-client-secret (GOLDTHREAD_OIDC_CLIENT_SECRET)",
                &self.oidc_client_secret,
            ),
        ];
        let missing: Vec<&str> = given
            .iter()
            .filter(|(_, v)| v.as_deref().is_none_or(str::is_empty))
            .map(|(name, _)| *name)
            .collect();
        if missing.len() == given.len() {
            return Ok(None);
        }
        if !missing.is_empty() {
            anyhow::bail!(
                "single sign-on needs the issuer, client id and client secret together: missing {}",
                missing.join(", ")
            );
        }
        let value = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_string();
        let default_role = match self.oidc_default_role.trim().to_ascii_lowercase().as_str() {
            "none" => None,
            text => match goldthread_domain::Role::parse(text) {
                Some(goldthread_domain::Role::Admin) => anyhow::bail!(
                    "--oidc-default-role admin would make everyone who signs in an administrator: use viewer, officer, editor or none, and give admin roles with `goldthread user set-role`"
                ),
                Some(role) => Some(role),
                None => anyhow::bail!(
                    "--oidc-default-role '{text}' is not a role: use viewer, officer, editor or none"
                ),
            },
        };
        let config = goldthread_web::auth::sso::SsoConfig {
            issuer: value(&self.oidc_issuer),
            client_id: value(&self.oidc_client_id),
            client_secret: self.oidc_client_secret.clone().unwrap_or_default(),
            default_role,
        };
        config.check().map_err(anyhow::Error::msg)?;
        Ok(Some(config))
    }
}

/// Where the data lives: a SQLite file in the data directory unless a
/// database URL is given.
#[derive(Args, Clone)]
pub struct DatabaseArgs {
    /// Directory for the embedded SQLite database.
    #[arg(
        long,
        env = "GOLDTHREAD_DATA_DIR",
        default_value = "goldthread-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// A database URL (postgres://… or sqlite://…) instead of the data directory.
    #[arg(
        long,
        env = "GOLDTHREAD_DATABASE_URL",
        hide_env_values = true,
        global = true
    )]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    pub async fn open(&self) -> anyhow::Result<Store> {
        match &self.database_url {
            Some(url) => Store::open(url).await.with_context(|| {
                format!("cannot open database {}", goldthread_storage::redact(url))
            }),
            None => Store::open_data_dir(&self.data_dir).await.with_context(|| {
                format!("cannot open the database in {}", self.data_dir.display())
            }),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve {
            database,
            bind,
            demo,
            auth,
        } => {
            if auth.session_idle_minutes == 0 || auth.session_hours == 0 {
                anyhow::bail!("session timeouts must be at least a minute and an hour");
            }
            let sso = auth.sso()?;
            // A server holds its data directory, so a restore (or a second
            // server) cannot swap the database from under it.
            let _data_dir_lock = match &database.database_url {
                None => Some(goldthread_storage::lock_data_dir(&database.data_dir)?),
                Some(_) => None,
            };
            let store = database.open().await?;
            let mut demo_accounts = Vec::new();
            if demo {
                demo::load(&store).await?;
                demo_accounts = accounts::demo_accounts(&store).await?;
            }
            let no_accounts = store.account_count().await? == 0;
            let listener = tokio::net::TcpListener::bind(&bind)
                .await
                .with_context(|| format!("cannot listen on {bind}"))?;
            let addr = listener.local_addr()?;
            let config = goldthread_web::auth::AuthConfig {
                secure_cookies: auth.secure_cookies,
                behind_proxy: auth.behind_proxy,
                idle_timeout: std::time::Duration::from_secs(auth.session_idle_minutes * 60),
                absolute_timeout: std::time::Duration::from_secs(auth.session_hours * 3600),
                // The address bound, not the one asked for: port 0 becomes the real port.
                base_url: auth
                    .base_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{addr}")),
                sso,
                open_data_licence: match (
                    auth.open_data_licence.clone(),
                    auth.open_data_licence_url.clone(),
                ) {
                    (None, None) => goldthread_web::auth::Licence::default(),
                    (Some(name), Some(url)) => goldthread_web::auth::Licence { name, url },
                    _ => anyhow::bail!(
                        "--open-data-licence and --open-data-licence-url go together: name the licence and say where it is set out"
                    ),
                },
            };
            let redirect_uri = config
                .sso
                .as_ref()
                .map(|_| goldthread_web::auth::sso::redirect_uri(&config.base_url));
            let app = goldthread_web::Application::from_listener(store.clone(), listener, config)?;
            tracing::info!(%addr, "goldthread listening");
            if no_accounts {
                eprintln!(
                    "No accounts yet: nobody can sign in. Create the first administrator with\n  goldthread user add you@council.gov.uk --name \"Your Name\" --role admin"
                );
            }
            for (email, role, password) in &demo_accounts {
                eprintln!("Demo {role}: sign in as {email} with password {password}");
            }
            if let Some(uri) = redirect_uri {
                eprintln!(
                    "Single sign-on: the redirect URI registered with the identity provider must be {uri}"
                );
            }
            eprintln!("Goldthread is running at http://{addr}/ (Ctrl-C to stop)");
            app.run_until_stopped().await?;
            // Every connection returned and the database closed cleanly
            // (on SQLite, the write-ahead log checkpointed into the file).
            store.close().await;
            eprintln!("stopped");
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(args) => {
            give_back_freed_memory_at_once();
            import::run(args).await
        }
        Command::Progress(args) => progress::run(args).await,
        Command::User(args) => accounts::run(args).await,
        Command::Routes { json } => {
            let rules = goldthread_web::route_rules();
            if json {
                println!("{}", serde_json::to_string_pretty(&rules)?);
            } else {
                for r in rules {
                    let access = serde_json::to_value(r.access)?;
                    println!(
                        "{}\t{}\t{}",
                        r.method,
                        r.path,
                        access.as_str().unwrap_or("")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate(args) => generate::run(args).await,
        Command::Export {
            database,
            plans,
            output,
        } => {
            let store = database.open().await?;
            let doc = store
                .export_document(&plans)
                .await
                .context("export failed")?;
            let json = goldthread_import::to_interchange_json(&doc);
            match output {
                Some(path) => {
                    write_into_place(&path, json.as_bytes())?;
                    eprintln!("exported {} plan(s) to {}", doc.plans.len(), path.display());
                }
                None => {
                    // A reader that stops early (`| head`) is not an error.
                    use std::io::Write;
                    let mut out = std::io::stdout().lock();
                    match out
                        .write_all(json.as_bytes())
                        .and_then(|()| out.write_all(b"\n"))
                    {
                        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                            return Err(e).context("cannot write to standard output");
                        }
                        _ => {}
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Report(args) => {
            report::run(args).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::PlanDocument(args) => {
            plan_document::run(args).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { database, file } => {
            let store = database.open().await?;
            let check = store
                .backup_to(&file)
                .await
                .with_context(|| format!("backup to {} failed", file.display()))?;
            eprintln!(
                "backed up to {}: {} bytes, integrity check ok, schema {}, {} plans, {} actions",
                file.display(),
                check.bytes,
                check.schema_version,
                check.plans,
                check.actions
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { database, file } => {
            if database.database_url.is_some() {
                anyhow::bail!(
                    "restore puts a backup in a data directory; for PostgreSQL use pg_restore"
                );
            }
            let restored = goldthread_storage::restore_data_dir(&database.data_dir, &file)
                .await
                .with_context(|| format!("restore of {} refused", file.display()))?;
            if let Some(aside) = &restored.kept_aside {
                eprintln!(
                    "the database that was in place is kept at {}",
                    aside.display()
                );
            }
            eprintln!(
                "restored {} into {}: integrity check ok, schema {}, {} plans, {} actions",
                file.display(),
                database.data_dir.display(),
                restored.check.schema_version,
                restored.check.plans,
                restored.check.actions
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes `bytes` beside `path`, then renames the file into place: a
/// failed run never leaves half a file where the whole one should be.
pub fn write_into_place(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))
}

/// Logs go to stderr; `RUST_LOG` overrides the default of info.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour only on a terminal: log files and journald get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

#[cfg(test)]
mod allocator_tests {
    #[test]
    fn an_import_gives_freed_memory_back_at_once() {
        const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
        // SAFETY: reads an option.
        let before = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(
            before, 10,
            "mimalloc v2's default purge delay, so 15 is that option"
        );
        super::give_back_freed_memory_at_once();
        // SAFETY: reads an option.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 0);
    }
}
