//! Where configured schemes are known beyond the config that defines them: the vendor
//! registry finds a scheme's unit by its provider id, with no config at hand.

use std::sync::RwLock;

use super::scheme::SchemeConfig;
use crate::model::ProviderId;

/// The shape of each configured scheme, by id, without its secret: what the vendor
/// registry builds a unit from where no config is at hand (the route, how a delivery is
/// read). The latest definition of a name wins.
static REGISTERED: RwLock<Vec<&'static SchemeConfig>> = RwLock::new(Vec::new());
/// Definitions registered so far (a redefinition replaces its name's entry but keeps the
/// old one alive for whoever holds it).
static DEFINED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
/// How many definitions one process registers at most.
const MAX_REGISTERED: usize = 1024;

/// Makes `s` known by its id to the vendor registry.
pub(super) fn register(s: &SchemeConfig) -> Result<(), String> {
    let shape = SchemeConfig {
        secret: None,
        ..s.clone()
    };
    let mut all = REGISTERED.write().unwrap_or_else(|e| e.into_inner());
    if all.iter().any(|r| **r == shape) {
        return Ok(());
    }
    if DEFINED.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= MAX_REGISTERED {
        return Err(format!(
            "schemes.{}: too many scheme definitions in one run",
            s.name()
        ));
    }
    all.retain(|r| r.id != s.id);
    all.push(Box::leak(Box::new(shape)));
    Ok(())
}

/// The registered shape of the scheme `id`.
pub(crate) fn registered(id: ProviderId) -> Option<&'static SchemeConfig> {
    REGISTERED
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .copied()
        .find(|s| s.id == id)
}

/// Every registered scheme, in name order.
pub(crate) fn all_registered() -> Vec<&'static SchemeConfig> {
    let mut all = REGISTERED.read().unwrap_or_else(|e| e.into_inner()).clone();
    all.sort_by_key(|s| s.name());
    all
}
