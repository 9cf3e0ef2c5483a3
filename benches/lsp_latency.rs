//! How long an editor waits for diagnostics after a keystroke.
//!
//! Starts `physc lsp` (the release binary: run with `cargo bench --bench
//! lsp_latency`), opens every example, and sends 21 changes to each (the
//! example with a trailing comment that grows, so every change is a new
//! text); it times each change from the moment it is written to the moment
//! its diagnostics arrive, and prints the median and the worst per example
//! against the 50 ms budget, with the time of the front end alone measured
//! in this process as the baseline: the difference is the server's own cost
//! (framing, conversion, JSON).

#[path = "../tests/common/jsonrpc.rs"]
mod jsonrpc;

use jsonrpc::{read_message, write_message};
use serde_json::{Value, json};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHANGES: usize = 21;
const BUDGET: Duration = Duration::from_millis(50);

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .expect("examples/")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "phy"))
        .collect();
    examples.sort();

    let mut child = Command::new(env!("CARGO_BIN_EXE_physc"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("physc lsp starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut send = |message: Value| write_message(&mut stdin, &message);
    send(json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": { "processId": null, "rootUri": null, "capabilities": {} } }));
    read_message(&mut stdout);
    send(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));

    println!(
        "{:<22} {:>10} {:>10} {:>12} {:>8}",
        "example", "median ms", "worst ms", "front end ms", "budget"
    );
    let mut worst_median = Duration::ZERO;
    for path in &examples {
        let text = std::fs::read_to_string(path).expect("readable");
        let uri = format!("file://{}", path.display());
        let mut times = vec![];
        for version in 0..CHANGES {
            let changed = format!("{text}# {}\n", "x".repeat(version));
            let start = Instant::now();
            if version == 0 {
                send(
                    json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
                    "textDocument": { "uri": uri, "languageId": "phy", "version": 0, "text": changed } } }),
                );
            } else {
                send(
                    json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "text": changed }] } }),
                );
            }
            loop {
                let message = read_message(&mut stdout).expect("the server answers");
                if message["method"] == "textDocument/publishDiagnostics"
                    && message["params"]["version"] == version
                {
                    break;
                }
            }
            times.push(start.elapsed());
        }
        let front_end = median(
            (0..CHANGES)
                .map(|_| {
                    let start = Instant::now();
                    let base = path.parent().expect("a directory");
                    let _ = physc_compiler::editor::Analysis::new(
                        text.clone(),
                        base,
                        &physc_compiler::check::DiskFiles,
                    );
                    start.elapsed()
                })
                .collect(),
        );
        let worst = *times.iter().max().expect("times");
        let typical = median(times);
        worst_median = worst_median.max(typical);
        println!(
            "{:<22} {:>10.2} {:>10.2} {:>12.2} {:>7.2}x",
            path.file_name().unwrap().to_string_lossy(),
            ms(typical),
            ms(worst),
            ms(front_end),
            typical.as_secs_f64() / BUDGET.as_secs_f64(),
        );
    }
    println!(
        "slowest median: {:.2} ms = {:.2}x the {} ms budget",
        ms(worst_median),
        worst_median.as_secs_f64() / BUDGET.as_secs_f64(),
        BUDGET.as_millis()
    );
    send(json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null }));
    send(json!({ "jsonrpc": "2.0", "method": "exit", "params": null }));
    let _ = child.wait();
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
