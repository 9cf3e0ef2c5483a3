//! `physc lsp`: a language server over stdin and stdout.
//!
//! Input: JSON-RPC messages from an editor (lsp-server frames them). Output:
//! diagnostics published on every open and change, and answers to hover,
//! definition, references, completion, document symbols and formatting.
//! Documents are synchronised whole: each change re-analyses the text, which
//! takes milliseconds (`cargo bench --bench lsp_latency`). The server holds
//! no state but the open documents; a request about a document it does not
//! know gets an empty answer, and a malformed request an error response,
//! never a crash.

mod convert;
mod position;
mod uri;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::{self as notify, Notification as _};
use lsp_types::request::{self as req, Request as _};
use physc_compiler::check::DiskFiles;
use physc_compiler::editor::Analysis;
use position::Lines;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn serve() -> ExitCode {
    let (connection, io_threads) = Connection::stdio();
    let served = Server::start(&connection).and_then(|mut server| server.run());
    drop(connection);
    let joined = io_threads.join();
    match served
        .map_err(|e| e.to_string())
        .and(joined.map_err(|e| e.to_string()))
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            errln!("physc lsp: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Server<'c> {
    connection: &'c Connection,
    /// Each open document and what the compiler makes of it.
    documents: HashMap<lsp::Uri, Analysis>,
    /// Where standard library modules are written for go-to-definition.
    stdlib_dir: PathBuf,
}

type Failure = Box<dyn std::error::Error + Send + Sync>;

impl<'c> Server<'c> {
    fn start(connection: &'c Connection) -> Result<Server<'c>, Failure> {
        let capabilities = lsp::ServerCapabilities {
            position_encoding: Some(lsp::PositionEncodingKind::UTF16),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
                lsp::TextDocumentSyncKind::FULL,
            )),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            definition_provider: Some(lsp::OneOf::Left(true)),
            references_provider: Some(lsp::OneOf::Left(true)),
            completion_provider: Some(lsp::CompletionOptions {
                trigger_characters: Some(vec![".".into(), "(".into()]),
                ..lsp::CompletionOptions::default()
            }),
            document_symbol_provider: Some(lsp::OneOf::Left(true)),
            document_formatting_provider: Some(lsp::OneOf::Left(true)),
            ..lsp::ServerCapabilities::default()
        };
        let (id, _params) = connection.initialize_start()?;
        let result = lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo {
                name: "physc".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        };
        connection.initialize_finish(id, serde_json::to_value(result)?)?;
        Ok(Server {
            connection,
            documents: HashMap::new(),
            stdlib_dir: stdlib_dir(),
        })
    }

    fn run(&mut self) -> Result<(), Failure> {
        while let Ok(message) = self.connection.receiver.recv() {
            match message {
                Message::Request(request) => {
                    if self.connection.handle_shutdown(&request)? {
                        return Ok(());
                    }
                    let response = self.answer(request);
                    self.connection.sender.send(response.into())?;
                }
                Message::Notification(notification) => {
                    // A malformed notification is logged (the client shows
                    // the server's stderr) and the session goes on.
                    if let Err(e) = self.notified(notification) {
                        errln!("physc lsp: {e}");
                    }
                }
                Message::Response(_) => {}
            }
        }
        Ok(())
    }

    fn notified(&mut self, notification: Notification) -> Result<(), Failure> {
        match notification.method.as_str() {
            notify::DidOpenTextDocument::METHOD => {
                let params: lsp::DidOpenTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                let document = params.text_document;
                self.update(document.uri, document.text, document.version)
            }
            notify::DidChangeTextDocument::METHOD => {
                let params: lsp::DidChangeTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                // Full synchronisation: the last change holds the whole text.
                match params.content_changes.into_iter().last() {
                    Some(change) => self.update(
                        params.text_document.uri,
                        change.text,
                        params.text_document.version,
                    ),
                    None => Ok(()),
                }
            }
            notify::DidCloseTextDocument::METHOD => {
                let params: lsp::DidCloseTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                let uri = params.text_document.uri;
                self.documents.remove(&uri);
                self.publish(uri, vec![], None)
            }
            _ => Ok(()),
        }
    }

    /// Analyses a document's new text and publishes its diagnostics.
    fn update(&mut self, uri: lsp::Uri, text: String, version: i32) -> Result<(), Failure> {
        let base_dir = uri::to_path(&uri)
            .and_then(|path| path.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("."));
        // A bug in the compiler costs this version's diagnostics, not the
        // session: the document keeps its last analysis.
        let analysed = std::panic::catch_unwind(|| Analysis::new(text, &base_dir, &DiskFiles));
        let Ok(analysis) = analysed else {
            return Ok(());
        };
        let lines = Lines::new(&analysis.text);
        let frontend = &analysis.frontend;
        let diagnostics = frontend
            .checked
            .diagnostics
            .iter()
            .chain(&frontend.untrainable)
            .map(|d| convert::diagnostic(d, &uri, &lines))
            .collect();
        self.documents.insert(uri.clone(), analysis);
        self.publish(uri, diagnostics, Some(version))
    }

    fn publish(
        &self,
        uri: lsp::Uri,
        diagnostics: Vec<lsp::Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), Failure> {
        let params = lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let notification =
            Notification::new(notify::PublishDiagnostics::METHOD.to_string(), params);
        self.connection.sender.send(notification.into())?;
        Ok(())
    }

    /// The response to a request. A bug in a handler costs that one
    /// answer (an internal error), never the session.
    fn answer(&self, request: Request) -> Response {
        let id = request.id.clone();
        let method = request.method.clone();
        let answered =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.dispatch(request)))
                .unwrap_or_else(|_| {
                    Err((
                        ErrorCode::InternalError,
                        format!("physc lsp failed on `{method}`"),
                    ))
                });
        match answered {
            Ok(result) => Response::new_ok(id, result),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    fn dispatch(&self, request: Request) -> Result<Value, (ErrorCode, String)> {
        match request.method.as_str() {
            req::HoverRequest::METHOD => self.with(request, Self::hover),
            req::GotoDefinition::METHOD => self.with(request, Self::definition),
            req::References::METHOD => self.with(request, Self::references),
            req::Completion::METHOD => self.with(request, Self::completion),
            req::DocumentSymbolRequest::METHOD => self.with(request, Self::symbols),
            req::Formatting::METHOD => self.with(request, Self::formatting),
            method => Err((
                ErrorCode::MethodNotFound,
                format!("physc lsp does not answer `{method}`"),
            )),
        }
    }

    /// Decodes a request's parameters and serialises the handler's answer.
    fn with<P: serde::de::DeserializeOwned, R: Serialize>(
        &self,
        request: Request,
        handler: fn(&Self, P) -> R,
    ) -> Result<Value, (ErrorCode, String)> {
        let params: P = serde_json::from_value(request.params)
            .map_err(|e| (ErrorCode::InvalidParams, e.to_string()))?;
        serde_json::to_value(handler(self, params))
            .map_err(|e| (ErrorCode::InternalError, e.to_string()))
    }

    /// The document at a position, its lines and the byte offset there.
    fn at(
        &self,
        position: &lsp::TextDocumentPositionParams,
    ) -> Option<(&lsp::Uri, &Analysis, Lines<'_>, usize)> {
        let uri = &position.text_document.uri;
        let (uri, document) = self.documents.get_key_value(uri)?;
        let lines = Lines::new(&document.text);
        let offset = lines.offset(position.position);
        Some((uri, document, lines, offset))
    }

    fn hover(&self, params: lsp::HoverParams) -> Option<lsp::Hover> {
        let (_, analysis, lines, offset) = self.at(&params.text_document_position_params)?;
        let (span, markdown) = analysis.hover(offset)?;
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(lines.range(span)),
        })
    }

    fn definition(&self, params: lsp::GotoDefinitionParams) -> Option<lsp::GotoDefinitionResponse> {
        let (uri, analysis, lines, offset) = self.at(&params.text_document_position_params)?;
        let place = analysis.definition(offset)?;
        let location = convert::place(place, uri, &lines, &self.stdlib_dir)?;
        Some(lsp::GotoDefinitionResponse::Scalar(location))
    }

    fn references(&self, params: lsp::ReferenceParams) -> Option<Vec<lsp::Location>> {
        let (uri, analysis, lines, offset) = self.at(&params.text_document_position)?;
        let declaration = match analysis.definition(offset) {
            Some(physc_compiler::editor::Place::Here(span)) => Some(span),
            _ => None,
        };
        let include_declaration = params.context.include_declaration;
        let locations = analysis
            .references(offset)
            .into_iter()
            .filter(|span| include_declaration || Some(*span) != declaration)
            .map(|span| lsp::Location::new(uri.clone(), lines.range(span)))
            .collect();
        Some(locations)
    }

    fn completion(&self, params: lsp::CompletionParams) -> Option<lsp::CompletionResponse> {
        let (_, analysis, _, offset) = self.at(&params.text_document_position)?;
        let items = analysis
            .completions(offset)
            .into_iter()
            .map(convert::completion)
            .collect();
        Some(lsp::CompletionResponse::Array(items))
    }

    fn symbols(&self, params: lsp::DocumentSymbolParams) -> Option<lsp::DocumentSymbolResponse> {
        let analysis = self.documents.get(&params.text_document.uri)?;
        let lines = Lines::new(&analysis.text);
        let symbols = analysis
            .outline()
            .into_iter()
            .map(|item| convert::symbol(item, &lines))
            .collect();
        Some(lsp::DocumentSymbolResponse::Nested(symbols))
    }

    /// The whole document replaced by `physc fmt`'s layout; nothing when it
    /// is already formatted or does not parse (its diagnostics say why).
    fn formatting(&self, params: lsp::DocumentFormattingParams) -> Option<Vec<lsp::TextEdit>> {
        let text = &self.documents.get(&params.text_document.uri)?.text;
        let formatted = physc_compiler::format::format(text).ok()?;
        if formatted == *text {
            return Some(vec![]);
        }
        let all = Lines::new(text).all();
        Some(vec![lsp::TextEdit::new(all, formatted)])
    }
}

/// A per-user cache directory for the standard library's modules.
fn stdlib_dir() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache
        .join("physc")
        .join(format!("stdlib-{}", env!("CARGO_PKG_VERSION")))
}
