//! `hookscope export` and `hookscope import`.

use std::io::{BufReader, Write};
use std::process::ExitCode;

use anyhow::Context;

use super::{ExportArgs, ExportFormat, ImportArgs, store_path};
use crate::config::Config;
use crate::redact::Redactor;
use crate::store::{self, Store};

pub(crate) fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let redactor = Redactor::from_config(&Config::load(args.config.as_deref())?);
    let path = store_path(&args.store)?;
    if !store::is_url(&path) && !path.exists() {
        anyhow::bail!("no store at {}", path.display());
    }
    let since = match &args.since {
        Some(s) => Some(
            store::since(s, chrono::Utc::now()).map_err(|e| anyhow::anyhow!("--since {s}: {e}"))?,
        ),
        None => None,
    };
    if !store::is_url(&path)
        && let Some(note) = store::file_what_waits(&path)
    {
        eprintln!("hookscope: {note}");
    }
    // Read-only: exporting works from a read-only file or folder and never changes it
    // (but to file what a stopped receiver journaled, above).
    let reader = store::Reader::open_read_only(&path)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let n = match args.format {
        ExportFormat::Ndjson => store::export_ndjson(&reader, since, &mut out, &redactor)?,
        ExportFormat::Har => store::export_har(&reader, since, &mut out, &redactor)?,
    };
    out.flush()?;
    eprintln!(
        "hookscope: exported {n} deliveries from {}",
        store::shown(&path)
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let redactor = Redactor::from_config(&Config::load(args.config.as_deref())?);
    let path = store_path(&args.store)?;
    let store = Store::open(&path)?;
    let report = if args.file.as_os_str() == "-" {
        store::import_ndjson(&store, std::io::stdin().lock(), &redactor)?
    } else {
        let file = std::fs::File::open(&args.file)
            .with_context(|| format!("cannot open {}", args.file.display()))?;
        store::import_ndjson(&store, BufReader::new(file), &redactor)?
    };
    eprintln!(
        "hookscope: imported {} deliveries into {} ({} already there, {} bad lines)",
        report.imported,
        store.label(),
        report.duplicates,
        report.errors.len()
    );
    for (line, message) in report.errors.iter().take(20) {
        eprintln!("  line {line}: {}", redactor.redact_text(message));
    }
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
