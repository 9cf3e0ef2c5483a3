//! JSON-RPC framing as the Language Server Protocol uses it: a
//! `Content-Length` header, a blank line, and a JSON body. Shared by the
//! language server's tests and its latency benchmark.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, Write};

pub fn write_message(writer: &mut impl Write, message: &Value) {
    let body = message.to_string();
    write!(writer, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
    writer.flush().expect("flush");
}

/// The next message, or `None` at the end of the stream.
pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
