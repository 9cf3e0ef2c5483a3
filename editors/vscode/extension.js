// Starts `physc lsp` for .phy files. The server does the work: diagnostics,
// hover, definition, references, completion, outline and formatting.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("physc").get("path") || "physc";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "physc",
    "physc",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "phy" }, { scheme: "untitled", language: "phy" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
