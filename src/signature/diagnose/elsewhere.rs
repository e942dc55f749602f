//! The right signature arrived, but in another header than the scheme's.

use super::{Case, MAX_HEADERS_SEARCHED, shown};
use crate::signature::encoding::form_of;
use crate::signature::presented::{Material, Presented};
use crate::signature::{Evidence, HeaderFormat, Hint, Verification};

impl Case<'_> {
    /// Step 6: a value in another header verifies.
    pub(super) fn found_elsewhere(&self) -> Option<Verification> {
        // Unless the header carries its own timestamp, every header signs the same
        // message: one HMAC serves them all.
        let common_mac = self
            .c
            .mac(&self.key, &self.material.message(self.c, self.input.body));
        let (name, value) = self
            .input
            .headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case(&self.c.header))
            .take(MAX_HEADERS_SEARCHED)
            .find(|(_, v)| self.verifies_anyhow(v, &common_mac))?;
        let detail = format!(
            "The signature arrived in the {} header, not {}; the sender must use {} (it \
             verifies there).",
            shown(name),
            self.c.header,
            self.c.header
        );
        Some(
            self.failed(Hint::HeaderName, detail)
                .with_evidence(Evidence {
                    received: Some(format!("{name}: {value}")),
                    ..Evidence::default()
                }),
        )
    }

    /// Whether `raw`, read as this scheme's header, carries the right MAC in any encoding.
    fn verifies_anyhow(&self, raw: &str, common_mac: &[u8]) -> bool {
        let Ok(presented) = Presented::read(self.c, raw) else {
            return false;
        };
        let own;
        let mac = match (&presented.t_text, self.c.format) {
            (Some(_), HeaderFormat::Stripe) => {
                let material = Material::new(self.c, self.input, Some(&presented));
                own = self
                    .c
                    .mac(&self.key, &material.message(self.c, self.input.body));
                &own[..]
            }
            _ => common_mac,
        };
        presented
            .values
            .iter()
            .any(|v| form_of(v, mac, self.c.encoding).is_some())
    }
}
