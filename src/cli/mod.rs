//! Command-line interface: the subcommands and how each one runs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod demo;
mod history;
mod listen;
mod replay;
mod send;
mod shutdown;
mod ui_session;
mod verify;
mod view;

#[derive(Debug, Parser)]
#[command(
    name = "hookscope",
    version,
    about = "Receive, verify and inspect webhook deliveries from hiring-assessment and AI-interview platforms",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `hookscope` alone is `hookscope listen`, so it takes the same flags.
    #[command(flatten)]
    pub listen: ListenArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the receiver (the default command).
    Listen(ListenArgs),
    /// Check one captured request offline and print its verification.
    Verify(VerifyArgs),
    /// Write the stored history as NDJSON or HAR 1.2 on stdout.
    Export(ExportArgs),
    /// Read NDJSON (as written by `export`) back into the store.
    Import(ImportArgs),
    /// Send a realistic delivery exactly as a vendor would (signature, token, retries).
    Send(SendArgs),
    /// A receiver of its own fed by all five vendors, over real HTTP: no vendor needed.
    Demo(DemoArgs),
    /// Re-send stored deliveries byte for byte to an app.
    Replay(ReplayArgs),
    /// The UI over a stored history without a receiver: live over a shared PostgreSQL
    /// database, browsing over a file (also while another process writes it).
    View(ViewArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ViewArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ReplayArgs {
    /// Delivery ids (or unique prefixes of at least 8 characters; a prefix that matches
    /// several deliveries is refused with the matches listed, exit code 2).
    pub ids: Vec<String>,
    /// Where to send them; with only a host, each delivery's own path is appended.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Re-send every delivery whose answer (or forward) failed for its vendor.
    #[arg(long)]
    pub failed: bool,
    /// With --failed: how far back to look (default 15d, Clearspeed's retry window).
    #[arg(long, value_name = "DURATION", requires = "failed")]
    pub since: Option<String>,
    /// With --failed: also re-send deliveries that a later replay already got
    /// acknowledged.
    #[arg(long, requires = "failed")]
    pub again: bool,
    /// Refresh time-bound signatures (TalentSprout's t=) with the configured secret.
    #[arg(long)]
    pub resign: bool,
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Args)]
pub struct SendArgs {
    /// clearspeed, talentsprout, brilliant, classet, jobmojito, standard-webhooks, stripe,
    /// github, shopify, slack or twilio.
    pub provider: String,
    /// Any event the vendor documents (default: its main one).
    #[arg(long, value_name = "NAME")]
    pub event: Option<String>,
    /// Where to deliver, e.g. http://127.0.0.1:8787/classet.
    #[arg(long, value_name = "URL")]
    pub to: String,
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Send this body instead of the sample.
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    /// Send the delivery this many times.
    #[arg(long, default_value_t = 1)]
    pub count: u32,
    /// Sign with a wrong key, to rehearse the receiving side's rejection.
    #[arg(long)]
    pub bad_signature: bool,
    /// The wait before the first retry; it doubles each time.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub retry_base_ms: u64,
    /// Where a delivery that was not acknowledged is kept for `replay --failed`.
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Args, Default)]
pub struct DemoArgs {
    /// Print the JSON lines and exit after one pass of the script.
    #[arg(long)]
    pub headless: bool,
    /// Keep the demo's deliveries in this file (default: in memory).
    #[command(flatten)]
    pub store: StoreArgs,
    /// Pause between scripted deliveries.
    #[arg(long, value_name = "MS")]
    pub pause_ms: Option<u64>,
}

#[derive(Debug, Clone, Args, Default)]
pub struct StoreArgs {
    /// The SQLite history file (default: deliveries.db in the platform data dir), or a
    /// shared PostgreSQL database: postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=…]
    /// (the password may also come from PGPASSWORD).
    #[arg(long, value_name = "FILE|URL")]
    pub store: Option<PathBuf>,
}

#[derive(Debug, Clone, Args, Default)]
pub struct ListenArgs {
    /// Address to listen on (default 127.0.0.1:8787, or server.addr from the config).
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<String>,
    /// Config file (default ./hookscope.toml, then the platform config dir).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Keep nothing on disk: the history lives in memory until exit.
    #[arg(long, conflicts_with = "store")]
    pub no_store: bool,
    /// Print one JSON line per delivery on stdout (automatic when stdout is not a terminal).
    #[arg(long)]
    pub headless: bool,
    /// Also send every delivery, byte for byte, to your own app at this base URL.
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,
    /// Answer the vendor with the app's status instead of our own.
    #[arg(long, requires = "forward_to")]
    pub forward_status: bool,
}

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// clearspeed, talentsprout, brilliant, classet, jobmojito, standard-webhooks, stripe,
    /// github, shopify, slack or twilio.
    #[arg(long, value_name = "PROVIDER")]
    pub provider: String,
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A request header, `Name: value`; repeat for several.
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// The exact body bytes as received.
    #[arg(long, value_name = "FILE")]
    pub body_file: PathBuf,
    /// The request path (and query), e.g. /brilliant/KEY or /jobmojito/interview_result.
    #[arg(long, value_name = "/ROUTE")]
    pub path: Option<String>,
    /// Receipt time as Unix seconds (default: now), for timestamp tolerance checks.
    #[arg(long, value_name = "UNIX")]
    pub now: Option<i64>,
}

#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum ExportFormat {
    #[default]
    Ndjson,
    Har,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long, value_enum, default_value_t = ExportFormat::Ndjson)]
    pub format: ExportFormat,
    /// Only deliveries received within this long, e.g. 15d, 2h, 30m.
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Config file whose secrets are masked in the output (default as for `listen`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// NDJSON file written by `hookscope export` (`-` for stdin).
    pub file: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Config file whose secrets are masked in what is imported (default as for `listen`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Runs the parsed command line and turns errors into messages and exit codes.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command.unwrap_or(Command::Listen(cli.listen)) {
        Command::Listen(args) => listen::run(args),
        Command::Verify(args) => return verify::run(args),
        Command::Export(args) => history::export(args),
        Command::Import(args) => history::import(args),
        Command::Send(args) => send::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Replay(args) => replay::run(args),
        Command::View(args) => view::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hookscope: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// A line on stdout with every configured secret masked: what `send` and `replay` print.
fn say(redactor: &crate::redact::Redactor, text: impl Into<String>) {
    println!("{}", redactor.clean(text.into()));
}

/// The platform data dir, where the default store and the log file live.
pub(crate) fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "hookscope").map(|d| d.data_dir().to_path_buf())
}

/// `--store FILE`, else the default location.
pub(crate) fn store_path(args: &StoreArgs) -> anyhow::Result<PathBuf> {
    match &args.store {
        Some(p) => Ok(p.clone()),
        None => data_dir().map(|d| d.join("deliveries.db")).ok_or_else(|| {
            anyhow::anyhow!("no home directory to keep the store in; pass --store FILE")
        }),
    }
}

/// Logs go to a file, never the terminal.
fn init_logging(dir: Option<&Path>) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = dir?;
    std::fs::create_dir_all(dir).ok()?;
    let appender = tracing_appender::rolling::never(dir, "hookscope.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = tracing_subscriber::EnvFilter::try_from_env("HOOKSCOPE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

/// Parses the command line, with `send --help` listing each vendor's delivery rules as
/// the vendor units state them ("assumed" where a vendor's pages are silent).
pub fn parse() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    let command = Cli::command().mut_subcommand("send", |c| c.after_help(vendor_rules()));
    let matches = command.get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// One line per vendor: what it counts as delivered, how it retries, how long it waits.
fn vendor_rules() -> String {
    let config = crate::config::Config::default();
    let mut out = String::from(
        "How each vendor delivers (\"assumed\" where its documentation is silent; set \
         [providers.<id>.sender] retries and timeout_secs to change them):\n",
    );
    for v in crate::provider::all() {
        let p = v.policy(&config);
        out.push_str(&format!(
            "  {:<13} {}; {}; {}\n",
            v.id().as_str(),
            p.ack_rule(),
            p.retry_rule(),
            p.timeout_rule()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listen_flags_work_without_the_subcommand() {
        let cli = Cli::try_parse_from(["hookscope", "--addr", "127.0.0.1:9000", "--no-store"])
            .expect("parses");
        assert!(cli.command.is_none());
        assert_eq!(cli.listen.addr.as_deref(), Some("127.0.0.1:9000"));
        assert!(cli.listen.no_store);
        let cli = Cli::try_parse_from(["hookscope", "listen", "--addr", "127.0.0.1:9001"])
            .expect("parses");
        match cli.command {
            Some(Command::Listen(a)) => assert_eq!(a.addr.as_deref(), Some("127.0.0.1:9001")),
            other => panic!("{other:?}"),
        }
        // Listen flags before another command would be ignored: refused instead.
        assert!(Cli::try_parse_from(["hookscope", "--addr", "x", "export"]).is_err());
    }

    #[test]
    fn send_help_says_which_delivery_rules_are_assumed() {
        let rules = vendor_rules();
        let line = |id: &str| {
            rules
                .lines()
                .find(|l| l.trim_start().starts_with(id))
                .unwrap_or_else(|| panic!("no {id} line in {rules}"))
                .to_string()
        };
        // Clearspeed documents its ack rule and that it does not retry; not its timeout.
        let cs = line("clearspeed");
        assert!(
            cs.contains("only HTTP 200") && cs.contains("does not retry;"),
            "{cs}"
        );
        assert!(cs.contains("(assumed)"), "{cs}");
        // Brilliant documents none of the three.
        assert_eq!(line("brilliant").matches("(assumed)").count(), 3, "{rules}");
    }
}
