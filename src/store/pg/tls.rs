//! TLS to the database, with rustls, chosen by libpq's `sslmode` words: `disable` is
//! plain TCP; `allow`, `prefer` (the default) and `require` encrypt without checking the
//! server's certificate, as libpq does; `verify-ca` and `verify-full` check it against
//! the Mozilla roots, or the `sslrootcert` file, and the host name (both mean
//! `verify-full` here).

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

#[derive(Clone)]
pub(crate) enum Mode {
    Off,
    /// Encrypt when the server offers it.
    Prefer,
    /// Encrypt or fail, certificate unchecked.
    Encrypt,
    /// Encrypt and check the certificate against these roots.
    Verify(Arc<RootCertStore>),
}

/// The URL without the parameters `postgres` does not take (`sslmode` beyond `require`,
/// `sslrootcert`), and the TLS mode they ask for.
pub(crate) fn split_sslmode(url: &str) -> Result<(String, Mode), String> {
    let Some((head, query)) = url.split_once('?') else {
        return Ok((url.to_string(), Mode::Prefer));
    };
    let mut mode = "prefer".to_string();
    let mut root_file = None;
    let mut kept = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match &*k {
            "sslmode" => mode = v.into_owned(),
            "sslrootcert" => root_file = Some(v.into_owned()),
            _ => {
                kept.append_pair(&k, &v);
            }
        }
    }
    let mode = match mode.as_str() {
        "disable" => Mode::Off,
        "allow" | "prefer" => Mode::Prefer,
        "require" => Mode::Encrypt,
        "verify-ca" | "verify-full" => Mode::Verify(Arc::new(roots(root_file.as_deref())?)),
        other => {
            return Err(format!(
                "sslmode={other} is not one of disable, allow, prefer, require, verify-ca, \
                 verify-full"
            ));
        }
    };
    let kept = kept.finish();
    let url = if kept.is_empty() {
        head.to_string()
    } else {
        format!("{head}?{kept}")
    };
    Ok((url, mode))
}

fn roots(file: Option<&str>) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    match file {
        None => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| format!("sslrootcert {path}: {e}"))?;
            for cert in CertificateDer::pem_slice_iter(&pem) {
                let cert = cert.map_err(|e| format!("sslrootcert {path}: {e}"))?;
                store
                    .add(cert)
                    .map_err(|e| format!("sslrootcert {path}: {e}"))?;
            }
        }
    }
    Ok(store)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

pub(crate) fn connector(mode: &Mode) -> MakeRustlsConnect {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("the ring provider supports the default TLS versions");
    let config = match mode {
        Mode::Verify(roots) => builder
            .with_root_certificates(roots.clone())
            .with_no_client_auth(),
        Mode::Off | Mode::Prefer | Mode::Encrypt => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unchecked {
                algorithms: provider.signature_verification_algorithms,
            }))
            .with_no_client_auth(),
    };
    MakeRustlsConnect::new(config)
}

/// libpq's `require`: the channel is encrypted and the handshake signed, but whose
/// certificate it is goes unchecked.
#[derive(Debug)]
struct Unchecked {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_is_taken_out_and_other_parameters_kept() {
        let (url, mode) =
            split_sslmode("postgres://h/db?sslmode=verify-full&connect_timeout=3").unwrap();
        assert_eq!(url, "postgres://h/db?connect_timeout=3");
        assert!(matches!(mode, Mode::Verify(_)));
        let (url, mode) = split_sslmode("postgres://h/db").unwrap();
        assert_eq!(url, "postgres://h/db");
        assert!(matches!(mode, Mode::Prefer));
        assert!(matches!(
            split_sslmode("postgres://h/db?sslmode=disable").unwrap().1,
            Mode::Off
        ));
        assert!(
            split_sslmode("postgres://h/db?sslmode=verify-full&sslrootcert=/nonexistent").is_err()
        );
    }

    #[test]
    fn every_mode_builds_a_connector() {
        for url in [
            "postgres://h/d?sslmode=require",
            "postgres://h/d?sslmode=verify-full",
        ] {
            let (_, mode) = split_sslmode(url).unwrap();
            let _ = connector(&mode);
        }
    }
}
