//! `physc fmt`: the layout it gives every model, and the two promises it
//! makes: formatting twice changes nothing, and formatting never changes
//! what a file means (the parsed program, the checked model and the
//! diagnostics' codes and messages are those of the original).

mod common;

use physc_compiler::check::DiskFiles;
use physc_compiler::format::format;
use physc_compiler::format::lex::{self, Kind};
use physc_compiler::{check_source, model, syntax};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every `.phy` file the project has: examples (DeepXDE's suite among
/// them), the design programs, the diagnostics' cases and the standard
/// library.
fn corpus() -> Vec<PathBuf> {
    let mut files = vec![];
    for dir in [
        "examples",
        "examples/deepxde",
        "tests/design",
        "tests/ui",
        "stdlib",
    ] {
        let dir = Path::new(ROOT).join(dir);
        for entry in std::fs::read_dir(&dir).expect("a corpus directory") {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|e| e == "phy") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 60, "only {} files", files.len());
    files
}

/// What a text means: its syntax tree, its checked model, and its
/// diagnostics without positions.
fn meaning(text: &str, base_dir: &Path) -> String {
    let (program, _) = syntax::parse(text);
    let frontend = check_source(text, base_dir, &DiskFiles);
    let diagnostics: Vec<String> = frontend
        .checked
        .diagnostics
        .iter()
        .map(|d| format!("{} {} {:?}", d.code.as_str(), d.message, d.help))
        .collect();
    format!(
        "{}\n{}\n{}",
        syntax::print::program(&program),
        model::print::model(&frontend.checked.model),
        diagnostics.join("\n")
    )
}

#[test]
fn formatting_is_idempotent_and_keeps_the_meaning() {
    let mut formatted_files = 0;
    for path in corpus() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let Ok(once) = format(&text) else {
            // Files with syntax errors are refused; tests/ui has a few.
            assert!(
                path.starts_with(Path::new(ROOT).join("tests/ui")),
                "{path:?}"
            );
            continue;
        };
        formatted_files += 1;
        let twice = format(&once).expect("formatted text parses");
        assert_eq!(once, twice, "{path:?}: formatting twice changed it");
        let base_dir = path.parent().expect("a directory");
        assert_eq!(
            meaning(&text, base_dir),
            meaning(&once, base_dir),
            "{path:?}: formatting changed what it means"
        );
    }
    assert!(formatted_files > 50);
}

#[test]
fn examples_and_the_standard_library_are_formatted() {
    for path in corpus() {
        let inside = |dir: &str| path.starts_with(Path::new(ROOT).join(dir));
        if !(inside("examples") || inside("stdlib")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        assert_eq!(
            format(&text).expect("parses"),
            text,
            "{path:?} is not formatted: run `physc fmt` on it"
        );
    }
}

/// Each example with its horizontal layout thrown away (one space between
/// tokens, no indentation) formats back to the example as written: the
/// examples are the snapshots of what `physc fmt` makes of a carelessly
/// typed model.
#[test]
fn squashed_examples_format_back_to_themselves() {
    for path in examples() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let squashed = respace(&text, &mut |_| " ", "");
        assert_ne!(squashed, text);
        assert_eq!(
            format(&squashed).expect("squashed example parses"),
            text,
            "{path:?}"
        );
    }
}

/// `text` with the white space between tokens on a line replaced by
/// `space(i)` for the i-th gap, and each line's indentation by `indent`.
/// Adjacent tokens that would merge without a space keep one.
fn respace(text: &str, space: &mut dyn FnMut(usize) -> &'static str, indent: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<lex::Token> = None;
    for (i, token) in lex::tokens(text).into_iter().enumerate() {
        match previous {
            _ if token.kind == Kind::Newline => {}
            None => out.push_str(indent),
            Some(p) if p.kind == Kind::Newline => out.push_str(indent),
            Some(p) => {
                let gap = space(i);
                let would_merge = gap.is_empty()
                    && (word_like(p.kind) && word_like(token.kind)
                        || lex::tokens(&format!("{}{}", p.text, token.text)).len() < 2);
                out.push_str(if would_merge { " " } else { gap });
            }
        }
        out.push_str(token.text);
        previous = Some(token);
    }
    out
}

fn word_like(kind: Kind) -> bool {
    matches!(kind, Kind::Word | Kind::Number)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any horizontal white space between tokens, and any indentation,
    /// formats to the same file.
    #[test]
    fn layout_does_not_depend_on_how_the_file_was_spaced(
        file in 0usize..1000,
        gaps in prop::collection::vec(0usize..4, 512),
        indent in 0usize..5,
    ) {
        let files = examples();
        let path = &files[file % files.len()];
        let text = std::fs::read_to_string(path).expect("readable");
        let mut spaces = |i: usize| ["", " ", "  ", "\t "][gaps[i % gaps.len()]];
        let indent = " ".repeat(indent);
        let mutated = respace(&text, &mut spaces, &indent);
        let formatted = format(&mutated);
        prop_assert!(formatted.is_ok(), "{path:?} respaced does not parse:\n{mutated}");
        prop_assert_eq!(formatted.unwrap(), format(&text).unwrap());
    }
}

fn examples() -> Vec<PathBuf> {
    corpus()
        .into_iter()
        .filter(|p| p.starts_with(Path::new(ROOT).join("examples")))
        .collect()
}

fn physc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_physc"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("physc runs")
}

#[test]
fn the_command_formats_in_place_and_checks() {
    let dir = tempdir("fmt-command");
    let messy = dir.join("messy.phy");
    let clean = dir.join("clean.phy");
    let broken = dir.join("broken.phy");
    std::fs::write(
        &messy,
        "const nu=0.01\nfield u(x in [0,1])\npde:u_xx=nu on [0,1]\n",
    )
    .unwrap();
    std::fs::write(&clean, "const nu = 0.01\n").unwrap();
    std::fs::write(&broken, "field u(x in [0,1]\n").unwrap();
    let s = |p: &PathBuf| p.to_str().unwrap().to_string();

    let check = physc(&["fmt", "--check", &s(&messy), &s(&clean)]);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&check.stdout).trim(), s(&messy));
    assert!(String::from_utf8_lossy(&check.stderr).contains("1 of 2 files not formatted"));
    assert!(
        std::fs::read_to_string(&messy).unwrap().contains("nu=0.01"),
        "--check wrote"
    );

    let write = physc(&["fmt", &s(&messy), &s(&clean)]);
    assert_eq!(write.status.code(), Some(0), "{write:?}");
    assert_eq!(
        std::fs::read_to_string(&messy).unwrap(),
        "const nu = 0.01\nfield u(x in [0,1])\npde: u_xx = nu   on [0,1]\n"
    );
    assert_eq!(
        physc(&["fmt", "--check", &s(&messy)]).status.code(),
        Some(0)
    );

    let refused = physc(&["fmt", &s(&broken)]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("E0002") && stderr.contains("syntax errors"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&broken).unwrap(),
        "field u(x in [0,1]\n"
    );

    let missing = physc(&["fmt", &s(&dir.join("missing.phy"))]);
    assert_eq!(missing.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("physc-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}
