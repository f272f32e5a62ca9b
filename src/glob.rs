//! Path patterns for filters and routes: `*` matches any run of characters
//! (slashes included), `?` exactly one, everything else itself. One matcher
//! serves the store's queries (as an SQL function) and the live filters, so a
//! filter means the same thing on old and new captures.

/// Whether `text` matches `pattern` as a whole.
pub fn matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    // Iterative matching with one backtrack point for the latest `*`: linear in
    // practice, never exponential.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some('?') => {
                p += 1;
                t += 1;
            }
            Some(&c) if c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs() {
        assert!(matches("/stripe/*", "/stripe/events"));
        assert!(matches("/stripe/*", "/stripe/a/b"));
        assert!(!matches("/stripe/*", "/github/x"));
        assert!(matches("*", ""));
        assert!(matches("/a?c", "/abc"));
        assert!(!matches("/a?c", "/ac"));
        assert!(matches("*hook*", "/my/hooks/1"));
        assert!(matches("/exact", "/exact"));
        assert!(!matches("/exact", "/exact/more"));
        assert!(!matches(&"*a".repeat(20), &"a".repeat(19)));
    }
}
