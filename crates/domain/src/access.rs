//! Who may do what: the roles a council's accounts hold, the access each
//! route asks for, sign-off states, and the password rule. Pure rules; the
//! web crate applies them to requests and the storage crate stores them.

use crate::names::named;
use serde::{Deserialize, Serialize};

/// An account's role. Ordered by reach: each role can do what the ones
/// before it can, except that only an officer's *own* records are theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Councillors, auditors: read everything internal, change nothing.
    Viewer,
    /// Lead officers: record progress and values on what their posts lead.
    Officer,
    /// The policy and performance team: plans, imports, any record, sign-off.
    Editor,
    /// Everything, including accounts, tokens and settings.
    Admin,
}

named!(Role {
    Viewer => "viewer",
    Officer => "officer",
    Editor => "editor",
    Admin => "admin",
});

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Viewer => "Viewer",
            Role::Officer => "Officer",
            Role::Editor => "Editor",
            Role::Admin => "Administrator",
        }
    }

    /// Whether an update or value this role records counts at once, or
    /// waits for sign-off.
    pub fn needs_sign_off(self) -> bool {
        self < Role::Editor
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a route asks of whoever calls it. Every route names one; the web
/// crate refuses to build a route without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Anyone, signed in or not (sign-in, health, assets, public pages).
    Public,
    /// Any signed-in account (its own password, signing out).
    SignedIn,
    /// Reading internal pages: viewers and above.
    Read,
    /// Recording progress or a value: officers (on records their posts
    /// lead, checked against the record) and above.
    Record,
    /// Plans, imports, mappings, sign-off: editors and above.
    Edit,
    /// Accounts, tokens, settings: admins.
    Administer,
}

named!(Access {
    Public => "public",
    SignedIn => "signed-in",
    Read => "read",
    Record => "record",
    Edit => "edit",
    Administer => "administer",
});

impl Access {
    /// Whether `role` (`None` for anonymous) passes the route's gate. A
    /// `Record` gate passed by an officer still needs the record's check
    /// ([`may_record`]).
    pub fn allows(self, role: Option<Role>) -> bool {
        match (self, role) {
            (Access::Public, _) => true,
            (_, None) => false,
            (Access::SignedIn | Access::Read, Some(_)) => true,
            (Access::Record, Some(role)) => role >= Role::Officer,
            (Access::Edit, Some(role)) => role >= Role::Editor,
            (Access::Administer, Some(role)) => role == Role::Admin,
        }
    }
}

/// Whether `role`, holding `held_posts`, may record progress or a value on
/// a record led or owned by `record_posts`. Posts compare as people write
/// them: case and spacing aside.
pub fn may_record<'a>(
    role: Role,
    held_posts: impl IntoIterator<Item = &'a str>,
    record_posts: &[&str],
) -> bool {
    if role >= Role::Editor {
        return true;
    }
    if role < Role::Officer {
        return false;
    }
    let held: Vec<String> = held_posts.into_iter().map(post_key).collect();
    record_posts
        .iter()
        .any(|post| held.contains(&post_key(post)))
}

/// A post title as compared: lower case, spaces collapsed.
pub fn post_key(title: &str) -> String {
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A post title as compared when looking for duplicates: lower case,
/// `&` read as "and", punctuation dropped and spaces collapsed, so
/// "Head of Housing & Health" and "head of housing and health." match.
pub fn post_match_key(title: &str) -> String {
    title
        .replace('&', " and ")
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Where a submitted update or value stands in sign-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Review {
    /// Submitted by an officer, waiting for an editor.
    Pending,
    /// Counts in status, RAG and reports.
    Approved,
    /// Sent back to the officer with a comment; does not count.
    Returned,
}

named!(Review {
    Pending => "pending",
    Approved => "approved",
    Returned => "returned",
});

impl Review {
    pub fn label(self) -> &'static str {
        match self {
            Review::Pending => "Awaiting sign-off",
            Review::Approved => "Approved",
            Review::Returned => "Returned",
        }
    }
}

/// The shortest password accepted (NCSC: length, not composition rules).
pub const MIN_PASSWORD_LENGTH: usize = 12;
/// Long enough for any passphrase; bounds the hashing work.
pub const MAX_PASSWORD_LENGTH: usize = 256;
/// The fewest different characters a password may be made of, not
/// counting spaces and without case. Twelve characters from four symbols
/// ("1221 2112 1221", "abba cddc abba", or twelve spaces: none) are about 2^24
/// guesses, a few seconds' work offline, and no phrase of real words has
/// so few letters; five rules those out and refuses no passphrase.
pub const MIN_DISTINCT_CHARACTERS: usize = 5;

/// Why a password is refused, in words for the person choosing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("Password must be {MIN_PASSWORD_LENGTH} characters or more")]
    TooShort,
    #[error("Password must be {MAX_PASSWORD_LENGTH} characters or fewer")]
    TooLong,
    #[error("Password is too common: choose one that others would not guess")]
    Common,
    #[error("Password must not contain your email address or name")]
    Personal,
    #[error(
        "Password must use at least {MIN_DISTINCT_CHARACTERS} different characters, not counting spaces"
    )]
    TooFewCharacters,
}

/// Checks a new password against the rule: a minimum length, not on the
/// deny-list of common passwords (compared without case, spaces or a
/// trailing run of digits and symbols, so "Password123!" counts as
/// "password"), not the account's own email or name, and made of at least
/// [`MIN_DISTINCT_CHARACTERS`] different characters (so never only spaces).
pub fn check_password(password: &str, email: &str, name: &str) -> Result<(), PasswordProblem> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LENGTH {
        return Err(PasswordProblem::TooShort);
    }
    if length > MAX_PASSWORD_LENGTH {
        return Err(PasswordProblem::TooLong);
    }
    let squashed: String = password
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    let stem = squashed.trim_end_matches(|c: char| !c.is_alphabetic());
    let common = |candidate: &str| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .any(|line| !line.is_empty() && (line == candidate))
    };
    if common(&squashed) || common(stem) || is_one_repeated(&squashed) {
        return Err(PasswordProblem::Common);
    }
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    let name = name.split_whitespace().collect::<String>().to_lowercase();
    if (local.len() >= 4 && squashed.contains(&local))
        || (name.len() >= 4 && squashed.contains(&name))
    {
        return Err(PasswordProblem::Personal);
    }
    let distinct: std::collections::BTreeSet<char> = squashed.chars().collect();
    if distinct.len() < MIN_DISTINCT_CHARACTERS {
        return Err(PasswordProblem::TooFewCharacters);
    }
    Ok(())
}

/// "aaaaaaaaaaaa", "abcabcabcabc": one short run repeated.
fn is_one_repeated(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (1..=4).any(|n| chars.len() > n && chars.iter().enumerate().all(|(i, c)| *c == chars[i % n]))
}

/// Common passwords of twelve characters or more (shorter ones fail the
/// length rule first) and the stems people pad to reach a length, from
/// published breach corpora (NCSC's top 100,000, SecLists).
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_duplicate_post_titles_share_a_match_key() {
        assert_eq!(
            post_match_key("Head of Housing & Health"),
            post_match_key("head of  housing and health.")
        );
        assert_eq!(
            post_match_key("Head of Planning-Policy"),
            "head of planning policy"
        );
        assert_ne!(
            post_match_key("Head of Housing"),
            post_match_key("Head of Health")
        );
    }

    #[test]
    fn roles_and_sign_off_states_have_the_words_pages_show() {
        assert_eq!(
            Role::ALL.map(Role::label),
            ["Viewer", "Officer", "Editor", "Administrator"]
        );
        assert_eq!(Role::Editor.to_string(), "editor");
        assert_eq!(
            Review::ALL.map(Review::label),
            ["Awaiting sign-off", "Approved", "Returned"]
        );
    }

    #[test]
    fn a_password_is_twelve_to_256_characters() {
        let check = |p: &str| check_password(p, "jo.bloggs@council.gov.uk", "Jo Bloggs");
        // Counted in characters, not bytes: "é" is one.
        assert_eq!(check("river otteré"), Ok(()));
        assert_eq!(check("river otter"), Err(PasswordProblem::TooShort));
        let longest = format!("river otter {}", "lantern ".repeat(31));
        let longest: String = longest.chars().take(256).collect();
        assert_eq!(longest.chars().count(), 256);
        assert_eq!(check(&longest), Ok(()));
        assert_eq!(check(&format!("{longest}x")), Err(PasswordProblem::TooLong));
    }

    #[test]
    fn short_names_and_addresses_do_not_rule_out_passwords() {
        // A local part or name under four letters is too common a string
        // to refuse: "al" is in many good passphrases.
        assert_eq!(
            check_password("alpine meadow lark", "al@x.gov.uk", "Al"),
            Ok(())
        );
        assert_eq!(
            check_password("a fine day for jo bloggs", "jb@x.gov.uk", "Jo Bloggs"),
            Err(PasswordProblem::Personal)
        );
        assert_eq!(
            check_password("call me maybe jbloggs", "jbloggs@x.gov.uk", "Jo"),
            Err(PasswordProblem::Personal)
        );
    }

    #[test]
    fn a_run_counts_as_repeated_only_when_it_comes_round_again() {
        assert!(!is_one_repeated("abcd"));
        assert!(!is_one_repeated("ab"));
        assert!(is_one_repeated("abab"));
        assert!(is_one_repeated("zzzzz"));
        assert!(
            !is_one_repeated("abcdeabcde"),
            "runs of five are not counted"
        );
    }

    #[test]
    fn role_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(&Role::ALL, Role::as_str, Role::parse);
        crate::names::assert_names_read_back(&Role::ALL, Role::as_str);
    }

    #[test]
    fn access_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(&Access::ALL, Access::as_str, Access::parse);
    }

    #[test]
    fn review_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(&Review::ALL, Review::as_str, Review::parse);
        crate::names::assert_names_read_back(&Review::ALL, Review::as_str);
    }

    #[test]
    fn gates_follow_the_roles() {
        use Access::*;
        let anonymous = None;
        assert!(Public.allows(anonymous));
        for gate in [SignedIn, Read, Record, Edit, Administer] {
            assert!(!gate.allows(anonymous), "{gate:?} lets anonymous in");
        }
        let table = [
            (Role::Viewer, [true, true, false, false, false]),
            (Role::Officer, [true, true, true, false, false]),
            (Role::Editor, [true, true, true, true, false]),
            (Role::Admin, [true, true, true, true, true]),
        ];
        for (role, expected) in table {
            let got = [SignedIn, Read, Record, Edit, Administer].map(|g| g.allows(Some(role)));
            assert_eq!(got, expected, "{role}");
        }
    }

    #[test]
    fn officers_record_only_what_their_posts_lead() {
        let held = ["Head of Revenues and Benefits"];
        assert!(may_record(
            Role::Officer,
            held,
            &["head of  revenues and benefits", "Head of Finance"]
        ));
        assert!(!may_record(Role::Officer, held, &["Head of Housing"]));
        assert!(!may_record(Role::Officer, held, &[]));
        assert!(!may_record(
            Role::Viewer,
            held,
            &["Head of Revenues and Benefits"]
        ));
        assert!(may_record(Role::Editor, [], &["Head of Housing"]));
        assert!(may_record(Role::Admin, [], &[]));
    }

    #[test]
    fn only_officers_and_viewers_wait_for_sign_off() {
        assert!(Role::Officer.needs_sign_off());
        assert!(Role::Viewer.needs_sign_off());
        assert!(!Role::Editor.needs_sign_off());
        assert!(!Role::Admin.needs_sign_off());
    }

    #[test]
    fn role_names_are_read_exactly() {
        // People's spelling ("Editor ") is tidied where they type it (the
        // CLI), not here: a stored or submitted name is the name.
        assert_eq!(Role::parse("editor"), Some(Role::Editor));
        assert_eq!(Role::parse(" Editor "), None);
        assert_eq!(Role::parse("owner"), None);
    }

    #[test]
    fn passwords_follow_the_ncsc_rule() {
        let ok = |p: &str| check_password(p, "jo.bloggs@council.gov.uk", "Jo Bloggs");
        assert_eq!(ok("short one"), Err(PasswordProblem::TooShort));
        assert_eq!(ok(&"x".repeat(300)), Err(PasswordProblem::TooLong));
        assert_eq!(ok("password1234"), Err(PasswordProblem::Common));
        assert_eq!(ok("Password123!!"), Err(PasswordProblem::Common));
        assert_eq!(ok("qwertyuiop12"), Err(PasswordProblem::Common));
        assert_eq!(ok("aaaaaaaaaaaaaa"), Err(PasswordProblem::Common));
        assert_eq!(ok("abcabcabcabc"), Err(PasswordProblem::Common));
        assert_eq!(ok("jo.bloggs-2026!"), Err(PasswordProblem::Personal));
        assert_eq!(ok("I am JoBloggs here"), Err(PasswordProblem::Personal));
        // No composition rules: a long phrase of lower-case words is fine.
        assert_eq!(ok("correct horse battery staple"), Ok(()));
        assert_eq!(ok("river otter lantern"), Ok(()));
    }

    #[test]
    fn a_password_has_five_different_characters_besides_spaces() {
        let ok = |p: &str| check_password(p, "jo.bloggs@council.gov.uk", "Jo Bloggs");
        let few = Err(PasswordProblem::TooFewCharacters);
        assert_eq!(ok(&" ".repeat(12)), few);
        assert_eq!(ok("\t \u{a0}  \t  \u{2003}   "), few);
        assert_eq!(ok("1221 2112 1221"), few);
        assert_eq!(ok("aabb ccdd aabb"), few);
        // Case does not make a character different.
        assert_eq!(ok("Abdc abcd DCBA"), few);
        assert_eq!(ok("abcde abcde ab"), Ok(()));
        assert_eq!(ok("12345 1234 5123"), Ok(()));
        assert_eq!(
            PasswordProblem::TooFewCharacters.to_string(),
            "Password must use at least 5 different characters, not counting spaces"
        );
    }
}
