//! Nothing panics: random bytes, random token soup and mutated examples go
//! through parsing, checking and both renderings of the diagnostics.

use physc_compiler::check::Files;
use physc_compiler::diagnostics::{self, RenderOptions};
use proptest::prelude::*;
use std::path::Path;

/// Serves one small data file for every path, except names with "missing".
struct FakeFiles;

impl Files for FakeFiles {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        if path.to_string_lossy().contains("missing") {
            return Err(std::io::ErrorKind::NotFound.into());
        }
        Ok("x,t,u,q,p,dq,dp\n0,0,1,0,0,1,1\n0.5,0.5,oops,1\n".to_string())
    }
}

fn run(text: &str) {
    let frontend = physc_compiler::check_source(text, Path::new("."), &FakeFiles);
    let found = &frontend.checked.diagnostics;
    let _ = diagnostics::render(
        found,
        "fuzz.phy",
        text,
        RenderOptions {
            color: false,
            width: Some(80),
        },
    );
    let _ = diagnostics::to_json(found, "fuzz.phy", text);
    if !frontend.has_errors() {
        let _ = physc_compiler::model::print::model(&frontend.checked.model);
    }
    let _ = physc_compiler::syntax::print::program(&frontend.program);
}

const TOKENS: &[&str] = &[
    "field ",
    "u",
    "v",
    "h",
    "T",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    "=",
    ">=",
    "<",
    ":",
    ";",
    "\n",
    " x ",
    "x",
    "y",
    "t",
    "q",
    "p",
    "in",
    " on ",
    "|",
    "&",
    "-",
    "+",
    "*",
    "/",
    "^",
    "0",
    "1",
    "-1",
    "2.5e-3",
    "pi",
    "e",
    "i",
    "u_x",
    "u_xx",
    "u_t",
    "u_xt",
    "u_y",
    "d(",
    "integral(",
    "sum(c in space(u), ",
    "space(u)",
    "lap(",
    "div(",
    "sin(",
    "sech(",
    "abs(",
    "const ",
    "learn ",
    "param ",
    "region ",
    "data ",
    "def ",
    "use ",
    "equations",
    "net ",
    "train ",
    "mlp(",
    "depth",
    "width",
    "act",
    "tanh",
    "adam(",
    "lbfgs(",
    "steps",
    "lr",
    "symmetry ",
    "soft ",
    "hard ",
    "conserve ",
    "exact ",
    "reference ",
    "csv(\"a.csv\")",
    "csv(\"missing.csv\")",
    "obs",
    "obs.u",
    "disk((0,0), 1)",
    "boundary(",
    "polygon((0,0),(1,0),(1,1))",
    "ball((0,0,0), 1)",
    "rect((0,0),(1,1))",
    "#",
    ": complex",
    "é",
    "\"",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|t| t.concat())
}

fn examples() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    let mut texts: Vec<String> = std::fs::read_dir(dir)
        .expect("examples/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "phy"))
        .map(|e| std::fs::read_to_string(e.path()).expect("readable"))
        .collect();
    texts.sort();
    texts
}

/// An edit at a relative position: delete, insert a token, or duplicate.
#[derive(Debug, Clone)]
enum Edit {
    Delete(f64, usize),
    Insert(f64, &'static str),
    Duplicate(f64, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0.0..1.0, 1usize..20).prop_map(|(at, n)| Edit::Delete(at, n)),
        (0.0..1.0, prop::sample::select(TOKENS)).prop_map(|(at, t)| Edit::Insert(at, t)),
        (0.0..1.0, 1usize..40).prop_map(|(at, n)| Edit::Duplicate(at, n)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let pos = |at: f64, len: usize| ((at * len as f64) as usize).min(len);
        match e {
            Edit::Delete(at, n) => {
                let start = pos(*at, chars.len());
                let end = (start + n).min(chars.len());
                chars.drain(start..end);
            }
            Edit::Insert(at, token) => {
                let start = pos(*at, chars.len());
                chars.splice(start..start, token.chars());
            }
            Edit::Duplicate(at, n) => {
                let start = pos(*at, chars.len());
                let end = (start + n).min(chars.len());
                let copy: Vec<char> = chars[start..end].to_vec();
                chars.splice(end..end, copy);
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_do_not_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        run(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn token_soup_does_not_panic(text in soup()) {
        run(&text);
    }

    #[test]
    fn mutated_examples_do_not_panic(index in 0usize..64, edits in prop::collection::vec(edit(), 1..6)) {
        let examples = examples();
        run(&apply(&examples[index % examples.len()], &edits));
    }
}

#[test]
fn pathological_inputs_do_not_panic() {
    run(&"(".repeat(100_000));
    run(&"-".repeat(10_000));
    run(&format!("field u(x in [0,1])\nu = {}x", "-".repeat(3000)));
    run(&format!("field u(x in [0,1])\nu = {}1", "1+".repeat(5000)));
    run(&format!(
        "field u(x in [0,1])\nu = {}",
        "x^".repeat(2000) + "x"
    ));
    run(&format!(
        "def f0(u) = u\n{}",
        (1..200)
            .map(|k| format!("def f{k}(u) = f{}(f{}(u))\n", k - 1, k - 1))
            .collect::<String>()
    ));
    run("\u{0}\u{feff}field u(x in [0,1]) # é\r\nu_x = 0 on x = 0\r\n");
}
