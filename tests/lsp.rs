//! `physc lsp` spoken to as an editor speaks to it: a child process, JSON-RPC
//! over its stdin and stdout, every request an editor makes, and positions
//! in UTF-16 code units (a comment and a file name with non-ASCII text stand
//! before and inside what is reported).

#[path = "common/jsonrpc.rs"]
mod jsonrpc;

use jsonrpc::{read_message, write_message};
use serde_json::{Value, json};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// A language client talking to one `physc lsp`.
struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start(cache: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_physc"))
            .arg("lsp")
            .env("XDG_CACHE_HOME", cache)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("physc lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            while let Some(message) = read_message(&mut stdout) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 0,
        }
    }

    fn send(&mut self, message: Value) {
        write_message(&mut self.stdin, &message);
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response, skipping notifications.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.receive();
            if message["id"] == json!(id) {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
        }
    }

    /// Waits for the diagnostics of `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let message = self.receive();
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
            {
                return message["params"]["diagnostics"]
                    .as_array()
                    .expect("an array")
                    .clone();
            }
        }
    }

    fn receive(&self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers within 30 s")
    }
}

/// The labels of completion items.
fn labels(items: &Value) -> Vec<&str> {
    let items = items.as_array().expect("completion items");
    items.iter().map(|i| i["label"].as_str().unwrap()).collect()
}

fn position(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": position(line, character) })
}

/// The 0-based line and UTF-16 column of the first `needle` in `text`.
fn find(text: &str, needle: &str) -> (u32, u32) {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in the text"));
    let line = text[..offset].matches('\n').count();
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (
        line as u32,
        text[start..offset].encode_utf16().count() as u32,
    )
}

fn workspace() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("physc-lsp-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    std::fs::write(dir.join("obs.csv"), "x,t,u\n0.5,0.1,0.3\n").expect("data");
    dir
}

const BROKEN: &str = "# Wärmeleitung: κ in m²/s
const k = 0.1
data obs = csv(\"obs.csv\")
data lost = csv(\"𝜈é.csv\")
field u(x in [0,1], t in [0,1])

pde: u_t = k*lap(u) + kk
ic:  u = sin(pi*x)   on t = 0
fit: u = obs.u   on obs

net u = mlp(depth = 2, width = 8)
";

const FIXED: &str = "# Wärmeleitung: κ in m²/s
const k = 0.1
data obs = csv(\"obs.csv\")
field u(x in [0,1], t in [0,1])

pde: u_t = k*lap(u)
ic:  u = sin(pi*x)   on t = 0
fit: u = obs.u       on obs

net u = mlp(depth = 2, width = 8)
";

#[test]
fn an_editor_session() {
    let dir = workspace();
    let path = dir.join("heat.phy");
    std::fs::write(&path, BROKEN).expect("model");
    let uri = format!("file://{}", path.display());
    let mut client = Client::start(&dir.join("cache"));

    let init = client.request(
        "initialize",
        json!({ "processId": null, "rootUri": null, "capabilities": {} }),
    );
    let capabilities = &init["capabilities"];
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
    ] {
        assert_eq!(capabilities[provider], json!(true), "{provider}");
    }
    assert_eq!(init["serverInfo"]["name"], "physc");
    client.notify("initialized", json!({}));

    // Opened with two errors: their codes and UTF-16 ranges.
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "phy", "version": 1, "text": BROKEN } }),
    );
    let diagnostics = client.diagnostics(&uri);
    let with_code = |code: &str| {
        diagnostics
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("{code} in {diagnostics:#?}"))
            .clone()
    };
    let unknown = with_code("E0101");
    let (line, column) = find(BROKEN, "kk");
    assert_eq!(
        unknown["range"],
        json!({ "start": position(line, column), "end": position(line, column + 2) })
    );
    assert_eq!(unknown["severity"], 1);
    assert_eq!(unknown["source"], "physc");
    assert!(
        unknown["message"].as_str().unwrap().contains("`kk`"),
        "{unknown}"
    );
    assert!(
        unknown["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("#diagnostics")
    );
    let missing = with_code("E0501");
    // `𝜈é.csv`: 10 bytes, 7 UTF-16 code units.
    let (line, column) = find(BROKEN, "𝜈é.csv");
    assert_eq!(
        missing["range"],
        json!({ "start": position(line, column), "end": position(line, column + 7) })
    );

    // Fixed: the diagnostics are cleared.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "text": FIXED }],
        }),
    );
    let diagnostics = client.diagnostics(&uri);
    assert!(
        diagnostics.iter().all(|d| d["severity"] != 1),
        "{diagnostics:#?}"
    );

    // Hover over the `k` of `k*lap(u)`: its value.
    let (line, column) = find(FIXED, "k*lap");
    let hover = client.request("textDocument/hover", at(&uri, line, column));
    let markdown = hover["contents"]["value"].as_str().expect("markdown");
    assert!(markdown.contains("0.1"), "{markdown}");

    // Its definition, and its references.
    let definition = client.request("textDocument/definition", at(&uri, line, column));
    let (const_line, const_column) = find(FIXED, "k = 0.1");
    assert_eq!(definition["uri"], uri);
    assert_eq!(
        definition["range"]["start"],
        position(const_line, const_column)
    );
    let mut params = at(&uri, line, column);
    params["context"] = json!({ "includeDeclaration": true });
    let references = client.request("textDocument/references", params.clone());
    assert_eq!(references.as_array().unwrap().len(), 2, "{references}");
    params["context"] = json!({ "includeDeclaration": false });
    let uses = client.request("textDocument/references", params);
    assert_eq!(uses[0]["range"]["start"], position(line, column));
    assert_eq!(uses.as_array().unwrap().len(), 1);

    // `lap` is defined in the standard library, in a file the editor opens.
    let (line, column) = find(FIXED, "lap(u)");
    let definition = client.request("textDocument/definition", at(&uri, line, column + 1));
    let target = definition["uri"].as_str().expect("a uri");
    assert!(target.ends_with("operators.phy"), "{target}");
    let stdlib = std::fs::read_to_string(target.strip_prefix("file://").unwrap()).unwrap();
    let start = definition["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert!(stdlib.lines().nth(start).unwrap().starts_with("def lap(u)"));

    // `obs.u` is a column of the data file: its header.
    let (line, column) = find(FIXED, "obs.u");
    let definition = client.request("textDocument/definition", at(&uri, line, column + 4));
    assert!(definition["uri"].as_str().unwrap().ends_with("obs.csv"));
    assert_eq!(definition["range"]["start"], position(0, 4));

    // Completion of `mlp(` options, and of the data set's columns.
    let (line, column) = find(FIXED, "depth");
    let items = client.request("textDocument/completion", at(&uri, line, column));
    let options = labels(&items);
    assert!(
        options.contains(&"width") && options.contains(&"act"),
        "{options:?}"
    );
    let (line, column) = find(FIXED, "obs.u");
    let items = client.request("textDocument/completion", at(&uri, line, column + 4));
    assert_eq!(labels(&items), ["x", "t", "u"]);

    // The outline.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    for name in ["k", "obs", "u", "pde", "ic", "fit", "net u"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }

    // Formatting a carelessly typed version replaces the whole text.
    let messy = FIXED.replace("pde: u_t = k*lap(u)", "pde:u_t=k * lap( u )");
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 3 },
            "contentChanges": [{ "text": messy }],
        }),
    );
    client.diagnostics(&uri);
    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(edits[0]["newText"], FIXED);
    assert_eq!(edits[0]["range"]["start"], position(0, 0));

    // A malformed notification and a malformed request: logged and
    // refused, and the session goes on.
    client.notify("textDocument/didOpen", json!({ "textDocument": 42 }));
    client.next_id += 1;
    let id = client.next_id;
    client.send(
        json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": { "x": 1 } }),
    );
    loop {
        let message = client.receive();
        if message["id"] == json!(id) {
            assert_eq!(message["error"]["code"], -32602, "{message}");
            break;
        }
    }

    // A request about a document the server does not have: no answer, no crash.
    let nothing = client.request("textDocument/hover", at("file:///nowhere.phy", 0, 0));
    assert_eq!(nothing, Value::Null);

    // Closing clears the diagnostics; shutdown and exit end the process.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert!(client.diagnostics(&uri).is_empty());
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().expect("physc lsp exits");
    assert!(status.success(), "{status}");
    let _ = std::fs::remove_dir_all(&dir);
}
