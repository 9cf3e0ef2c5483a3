//! Nothing panics: random bytes, random token soup and mutated examples go
//! through parsing, checking, both renderings of the diagnostics, the
//! formatter and every editor service at positions all through the text
//! (an editor asks on every keystroke). Where the formatter accepts a
//! mutated text, formatting it again changes nothing and its syntax tree is
//! the original's.

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
    format_and_serve_editors(text);
}

/// The formatter and the editor services on `text`.
fn format_and_serve_editors(text: &str) {
    if let Ok(formatted) = physc_compiler::format::format(text) {
        assert_eq!(
            physc_compiler::format::format(&formatted).as_ref(),
            Ok(&formatted),
            "formatting twice changed {text:?}"
        );
        let tree =
            |t: &str| physc_compiler::syntax::print::program(&physc_compiler::syntax::parse(t).0);
        assert_eq!(
            tree(&formatted),
            tree(text),
            "formatting changed the meaning of {text:?}"
        );
    }
    let analysis =
        physc_compiler::editor::Analysis::new(text.to_string(), Path::new("."), &FakeFiles);
    let _ = analysis.outline();
    // Positions spread over the text, both ends included: a cursor may be
    // anywhere, even inside a character.
    let positions = 48;
    for offset in (0..=positions).map(|k| k * text.len() / positions) {
        let _ = analysis.hover(offset);
        let _ = analysis.definition(offset);
        let _ = analysis.references(offset);
        let _ = analysis.completions(offset);
    }
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

/// A model that reads a data set, for the data-file properties.
const WITH_DATA: &str = "data obs = csv(\"obs.csv\")
field u(x in [0,1], t in [0,1])
pde: u_t = 0.1*u_xx
fit: u = obs.u on obs
";

/// Serves `text` as every data file.
struct OneFile(String);

impl Files for OneFile {
    fn read(&self, _: &Path) -> std::io::Result<String> {
        Ok(self.0.clone())
    }
}

/// Text that looks like CSV: the usual pieces and the troublesome ones.
fn csv_soup() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "x", "t", "u", ",", "\n", "\r\n", "\u{feff}", "\"", "\"x\"", "0", "-1.5", "1e308", "1e999",
        "nan", "inf", "-", ".", "# note", " ", "\t", ",,", "u,u", "é",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

/// A real checkpoint of a tiny run, its model's loss program, and the
/// parts a mutation works on.
fn checkpoint() -> &'static (physc_compiler::program::LossProgram, Vec<u8>) {
    static ONCE: std::sync::OnceLock<(physc_compiler::program::LossProgram, Vec<u8>)> =
        std::sync::OnceLock::new();
    ONCE.get_or_init(|| {
        let text = "field u(t in [0,1])
ode: u_t = -u
ic: u = 1 on t = 0
net u = mlp(depth = 1, width = 3)
train { adam(lr = 1e-2, steps = 3); points = 8 }";
        let frontend = physc_compiler::check_source(text, Path::new("."), &FakeFiles);
        let loss = frontend.loss.expect("trains");
        let dir =
            std::env::temp_dir().join(format!("physc-fuzz-checkpoint-{}", std::process::id()));
        let interrupt = std::sync::atomic::AtomicBool::new(false);
        physc_runtime::run::run(&loss, &dir, Default::default(), |_| {}, &interrupt)
            .expect("trains");
        let bytes = std::fs::read(dir.join("checkpoint.bin")).expect("a checkpoint");
        let _ = std::fs::remove_dir_all(&dir);
        (loss, bytes)
    })
}

/// Loads `bytes` as a run directory's only checkpoint.
fn load_checkpoint(bytes: &[u8]) {
    let (loss, _) = checkpoint();
    let dir = std::env::temp_dir().join(format!(
        "physc-fuzz-load-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).expect("a directory");
    std::fs::write(dir.join("checkpoint.bin"), bytes).expect("writes");
    let device = physc_runtime::backend::cpu_device(0, physc_runtime::backend::Precision::F64)
        .expect("a device");
    let (_, trainable) = physc_runtime::program::Program::new(loss, &device).expect("samples");
    let identity = physc_runtime::checkpoint::Identity::new(loss.fingerprint());
    let _ = physc_runtime::checkpoint::load(&dir, &identity, trainable);
    let _ = std::fs::remove_dir_all(&dir);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_data_files_do_not_panic(text in csv_soup()) {
        let frontend = physc_compiler::check_source(WITH_DATA, Path::new("."), &OneFile(text.clone()));
        let _ = diagnostics::to_json(&frontend.checked.diagnostics, "fuzz.phy", WITH_DATA);
        // The same bytes as a points file for `physc eval`.
        let table = physc_compiler::check::csv::parse(&text);
        let model = &frontend.checked.model;
        let _ = physc_runtime::eval::evaluable(model, &table, Path::new("points.csv"), true);
        let _ = physc_runtime::eval::points(model, &table);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Changed bytes, with the checksum made to match again, so the damage
    /// reaches the header, state and parameter parsers.
    #[test]
    fn damaged_checkpoints_do_not_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        rechecksum in any::<bool>(),
    ) {
        let (_, whole) = checkpoint();
        let magic = b"PHYSC-CHECKPOINT 2\n".len();
        let mut body = whole[magic..whole.len() - 8].to_vec();
        for (at, byte) in &edits {
            let i = at.index(body.len());
            body[i] = *byte;
        }
        if !rechecksum {
            body.truncate(cut.index(body.len() + 1));
        }
        let mut bytes = whole[..magic].to_vec();
        bytes.extend(&body);
        bytes.extend(physc_compiler::program::fnv1a(&body).to_le_bytes());
        load_checkpoint(&bytes);
        load_checkpoint(&bytes[..cut.index(bytes.len() + 1)]);
    }
}
