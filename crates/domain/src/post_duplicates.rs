//! Posts that are probably one post written two ways: imported plans name
//! lead officers by hand ("Head of Housing & Health" beside "Head of
//! Housing and Health") and scanned ones carry OCR damage ("Head of
//! Environmental rianagement"). The posts page offers each group for an
//! editor to merge; nothing is merged without one.

use crate::access::post_match_key;

/// The shortest word an OCR slip is looked for in: shorter words differ
/// by design ("Area 1" and "Area 2", "Team A" and "Team B").
const SHORTEST_DAMAGED_WORD: usize = 5;
/// The most single-character edits that turn one reading of a word into
/// the other ("rianagement" → "management" is two).
const MOST_EDITS: usize = 2;

/// Groups of two or more of `titles` (by index, each group in input
/// order, groups in order of their first member) that are probably one
/// post: equal once case, spacing, punctuation and `&` are set aside, or
/// differing in one long word by at most two characters.
pub fn post_duplicate_groups(titles: &[&str]) -> Vec<Vec<usize>> {
    let keys: Vec<String> = titles.iter().map(|t| post_match_key(t)).collect();
    let words: Vec<Vec<&str>> = keys.iter().map(|k| k.split(' ').collect()).collect();
    let mut group: Vec<usize> = (0..titles.len()).collect();
    for i in 0..titles.len() {
        for j in i + 1..titles.len() {
            if keys[i] == keys[j] || one_word_damaged(&words[i], &words[j]) {
                let (a, b) = (root(&mut group, i), root(&mut group, j));
                group[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut first_of: Vec<Option<usize>> = vec![None; titles.len()];
    for i in 0..titles.len() {
        let r = root(&mut group, i);
        match first_of[r] {
            Some(g) => groups[g].push(i),
            None => {
                first_of[r] = Some(groups.len());
                groups.push(vec![i]);
            }
        }
    }
    groups.retain(|g| g.len() > 1);
    groups
}

fn root(group: &mut [usize], mut i: usize) -> usize {
    while group[i] != i {
        group[i] = group[group[i]];
        i = group[i];
    }
    i
}

/// Whether two titles' words differ in one place only, where both words
/// are long and one or two characters apart.
fn one_word_damaged(a: &[&str], b: &[&str]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut differing = a.iter().zip(b).filter(|(x, y)| x != y);
    match (differing.next(), differing.next()) {
        (Some((x, y)), None) => {
            x.chars().count() >= SHORTEST_DAMAGED_WORD
                && y.chars().count() >= SHORTEST_DAMAGED_WORD
                && strsim::levenshtein(x, y) <= MOST_EDITS
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_variants_and_ocr_damage_group_but_different_posts_do_not() {
        let titles = [
            "Head of Housing & Health",
            "Head of Environmental Management",
            "Head of Housing and Health",
            "Head of Environmental rianagement",
            "Head of Area 1",
            "Head of Area 2",
            "Head of Planning",
            "Head of Housing",
            "Team Leader A",
            "Team Leader B",
            "head of housing and health.",
        ];
        assert_eq!(post_duplicate_groups(&titles), [vec![0, 2, 10], vec![1, 3]]);
    }

    #[test]
    fn words_differing_by_more_than_two_letters_are_different_posts() {
        assert!(post_duplicate_groups(&["Head of Finance", "Head of Fiance"]).len() == 1);
        assert!(post_duplicate_groups(&["Head of Leisure", "Head of Legal"]).is_empty());
        assert!(post_duplicate_groups(&["Director of Place", "Director of People"]).is_empty());
    }
}
