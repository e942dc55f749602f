//! `hookscope verify`: one captured request, checked offline.

use std::process::ExitCode;

use super::VerifyArgs;
use crate::config::Config;
use crate::model::ProviderId;
use crate::model::Request;
use crate::provider;
use crate::redact::Redactor;
use crate::signature::Status;

const EXIT_FAILED: u8 = 1;
const EXIT_USAGE: u8 = 2;

pub(crate) fn run(args: VerifyArgs) -> ExitCode {
    match build(&args) {
        Ok((req, config, now, provider)) => {
            let analysis = provider::analyze_as(provider, &req, &config, now);
            let verification = Redactor::from_config(&config).clean(analysis.findings.verification);
            match serde_json::to_string(&verification) {
                Ok(line) => println!("{line}"),
                Err(e) => {
                    eprintln!("hookscope: {e}");
                    return ExitCode::from(EXIT_FAILED);
                }
            }
            if verification.status == Status::Verified {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_FAILED)
            }
        }
        Err(message) => {
            eprintln!("hookscope verify: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn build(args: &VerifyArgs) -> Result<(Request, Config, i64, ProviderId), String> {
    // First the config: it names the schemes of the user's own.
    let config = Config::load(args.config.as_deref()).map_err(|e| e.to_string())?;
    let provider = ProviderId::parse(&args.provider)
        .filter(|p| *p != ProviderId::UNKNOWN)
        .ok_or_else(|| {
            format!(
                "unknown provider {:?}; use one of {}",
                args.provider,
                provider::ids()
            )
        })?;
    let headers = args
        .headers
        .iter()
        .map(|h| parse_header(h))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Redactor::from_config(&config).redact_text(&e))?;
    let body = std::fs::read(&args.body_file)
        .map_err(|e| format!("cannot read {}: {e}", args.body_file.display()))?;
    let route = args.path.clone().unwrap_or_else(|| default_path(provider));
    let now = args.now.unwrap_or_else(|| chrono::Utc::now().timestamp());
    let req = Request {
        headers,
        ..Request::post(&route, &[], &body)
    };
    Ok((req, config, now, provider))
}

/// The vendor's route where it is a plain path (a configured scheme's), else `/<id>`.
fn default_path(provider: ProviderId) -> String {
    provider::vendor(provider)
        .map(|v| v.route())
        .filter(|r| !r.is_empty() && !r.contains('{'))
        .map_or_else(|| format!("/{}", provider.as_str()), str::to_string)
}

/// `Name: value` → (lower-cased name, value).
pub(crate) fn parse_header(h: &str) -> Result<(String, String), String> {
    let (name, value) = h
        .split_once(':')
        .ok_or_else(|| format!("header {h:?} is not in the form 'Name: value'"))?;
    let name = name.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(format!("header {h:?} has no valid name"));
    }
    Ok((name.to_ascii_lowercase(), value.trim().to_string()))
}
