//! One way of turning each of the domain's enums into text and back.
//!
//! Every enum whose variants carry no data names each variant once, here
//! through [`named!`]: `ALL` (every variant, in the order pages list
//! them), `as_str` (the stable name used in storage, the API, the import
//! contract, query strings and form values) and `parse` (its exact
//! inverse). The names are the enum's serde names; the test beside each
//! enum checks so for every variant, so the JSON, the database and the
//! forms cannot drift apart.
//!
//! Words for people (`label`) are separate: they may change with the
//! wording of a page, the names may not.

/// Implements `ALL`, `as_str` and `parse` for an enum from one list of
/// `Variant => "name"`.
macro_rules! named {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            /// Every variant.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The variant's stable name: its serde name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The variant with this exact name (see [`Self::as_str`]).
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use named;

/// Asserts that each variant's name is its serde name, both ways, and that
/// [`named!`]'s `parse` reads back what `as_str` wrote; `ALL` holds each
/// variant once.
#[cfg(test)]
pub(crate) fn assert_names_are_serde_names<T>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    parse: fn(&str) -> Option<T>,
) where
    T: Copy + PartialEq + std::fmt::Debug + serde::Serialize,
{
    for (i, &variant) in all.iter().enumerate() {
        let name = as_str(variant);
        assert_eq!(
            serde_json::to_value(variant).ok(),
            Some(serde_json::Value::from(name)),
            "{variant:?}"
        );
        assert_eq!(parse(name), Some(variant), "{name}");
        assert!(
            !all[..i].contains(&variant),
            "{variant:?} is listed twice in ALL"
        );
    }
    assert_eq!(parse(""), None);
}

/// Also checks that serde reads each name back as the variant.
#[cfg(test)]
pub(crate) fn assert_names_read_back<T>(all: &[T], as_str: fn(T) -> &'static str)
where
    T: Copy + PartialEq + std::fmt::Debug + serde::de::DeserializeOwned,
{
    for &variant in all {
        let read: Option<T> = serde_json::from_value(serde_json::Value::from(as_str(variant))).ok();
        assert_eq!(read, Some(variant), "{}", as_str(variant));
    }
}
