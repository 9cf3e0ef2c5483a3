//! What names mean before any declaration: the built-in constants,
//! functions and special forms, and "did you mean" suggestions.

/// Calls with their own rules (not ordinary functions of values).
pub const SPECIAL_FORMS: &[&str] = &[
    "d", "integral", "space", "coords", "range", "rl_left", "rl_right", "caputo", "frac_lap",
    "besselj", "bessely", "hankel1", "hankel2",
];

/// Functions evaluated on constants only, before training: `gamma(1.5)`.
pub const CONSTANT_FUNCTIONS: &[&str] = &["gamma"];

/// Built-in values.
pub const BUILTIN_VALUES: &[&str] = &["pi", "e", "i"];

/// Shapes usable in regions, with the form of their arguments.
pub const SHAPES: &[(&str, &str)] = &[
    ("disk", "disk((cx, cy), r)"),
    ("ball", "ball((c1, ..., cn), r)"),
    ("rect", "rect((x0, y0), (x1, y1))"),
    ("polygon", "polygon((x1, y1), (x2, y2), (x3, y3), ...)"),
];

/// Whether `name` is reserved, so cannot be declared. Built-in function
/// names stay free for values (`const re = 20`): a call and a value never
/// meet in one place; only a `def` may not take them.
pub fn is_reserved(name: &str) -> bool {
    SPECIAL_FORMS.contains(&name) || BUILTIN_VALUES.contains(&name)
}

/// Whether `name` is a built-in function or special form.
pub fn is_builtin_function(name: &str) -> bool {
    SPECIAL_FORMS.contains(&name)
        || CONSTANT_FUNCTIONS.contains(&name)
        || crate::model::Builtin::from_name(name).is_some()
}

/// The closest candidate to `name`, if one is close enough to be a typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // One- and two-letter names are all within a typo of each other, so
    // suggestions for them would be noise.
    let len = name.chars().count();
    let limit = if len < 3 { 0 } else { (len / 3).max(1) };
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// "did you mean `x`?" or a fallback help line.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: &str,
) -> String {
    match suggest(name, candidates) {
        Some(c) => format!("did you mean `{c}`?"),
        None => otherwise.to_string(),
    }
}

/// Levenshtein distance, in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggest("nuu", ["nu", "u", "x"]), Some("nu"));
        assert_eq!(suggest("velocity", ["velocty", "u"]), Some("velocty"));
        assert_eq!(suggest("zeta", ["u", "x"]), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    /// The words of the VS Code grammar's alternation that begins with
    /// `first`, such as `(d|integral|...)`.
    fn highlighted(first: &str) -> Vec<&'static str> {
        let grammar = include_str!("../../../editors/vscode/syntaxes/phy.tmLanguage.json");
        let start = grammar.find(first).expect("the pattern");
        let end = start + grammar[start..].find(')').expect("its end");
        grammar[start + 1..end].split('|').collect()
    }

    /// The VS Code grammar highlights every built-in function and special
    /// form as one.
    #[test]
    fn the_editor_grammar_knows_every_builtin() {
        let listed = highlighted("(d|integral|");
        let missing: Vec<&str> = SPECIAL_FORMS
            .iter()
            .chain(CONSTANT_FUNCTIONS)
            .copied()
            .chain(crate::model::Builtin::ALL.iter().map(|(n, _)| *n))
            .filter(|n| !listed.contains(n))
            .collect();
        assert!(missing.is_empty(), "not highlighted: {missing:?}");
    }

    /// And every network architecture and `train` group.
    #[test]
    fn the_editor_grammar_knows_every_train_group() {
        let listed = highlighted("(mlp|");
        let missing: Vec<&str> = crate::model::Architecture::ALL
            .iter()
            .map(|(n, _)| *n)
            .chain(super::super::options::TRAIN_GROUPS.iter().copied())
            .filter(|n| !listed.contains(n))
            .collect();
        assert!(missing.is_empty(), "not highlighted: {missing:?}");
    }
}
