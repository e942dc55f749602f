//! Store URLs as they may be shown: a `postgres://` URL's password never leaves
//! hookscope, in messages, the UI or errors.

/// A connection URL as it may be shown: the password of its user part and any
/// `password=` parameter replaced by `***`. The one place a store URL is masked.
pub(crate) fn mask_url_password(url: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let mut out = match head.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, tail) = match rest.find('/') {
                Some(i) => rest.split_at(i),
                None => (rest, ""),
            };
            let authority = match authority.rsplit_once('@') {
                Some((user, host)) => match user.split_once(':') {
                    Some((name, _)) => format!("{name}:***@{host}"),
                    None => authority.to_string(),
                },
                None => authority.to_string(),
            };
            format!("{scheme}://{authority}{tail}")
        }
        None => head.to_string(),
    };
    if let Some(q) = query {
        let masked: Vec<String> = q
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => pair.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&masked.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_urls_show_no_password() {
        assert_eq!(
            mask_url_password("postgres://ann:s3cr%40t@db.example:5432/hooks?sslmode=require"),
            "postgres://ann:***@db.example:5432/hooks?sslmode=require"
        );
        assert_eq!(
            mask_url_password("postgresql://ann@db/h?password=s3cret&sslmode=disable"),
            "postgresql://ann@db/h?password=***&sslmode=disable"
        );
        assert_eq!(mask_url_password("postgres://db/h"), "postgres://db/h");
    }
}
