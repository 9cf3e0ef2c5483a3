//! `file:` URIs to and from paths.
//!
//! Input: the document URIs a client sends, or paths the server points to.
//! Output: the path of a `file:` URI (percent-decoded), or `None` for any
//! other scheme (an unsaved buffer); and the `file:` URI of an absolute
//! path, every byte outside the URI's unreserved set percent-encoded.

use lsp_types::Uri;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///path` (empty authority) or `file://localhost/path`.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    let decoded = decode(path)?;
    // `file:///C:/x` names `C:/x` on Windows.
    #[cfg(windows)]
    let decoded = decoded
        .strip_prefix('/')
        .filter(|p| p.as_bytes().get(1) == Some(&b':'))
        .map_or(decoded.clone(), str::to_string);
    Some(PathBuf::from(decoded))
}

pub fn from_path(path: &Path) -> Option<Uri> {
    let absolute = std::path::absolute(path).ok()?;
    let text = absolute.to_str()?.replace('\\', "/");
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/:".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&uri).ok()
}

fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn paths_round_trip_through_uris() {
        for path in ["/tmp/model.phy", "/home/a b/été #1/m.phy", "/x/100%.phy"] {
            let uri = from_path(Path::new(path)).expect("a URI");
            assert!(!uri.as_str().contains(' '), "{}", uri.as_str());
            assert_eq!(to_path(&uri).as_deref(), Some(Path::new(path)));
        }
        let vscode = Uri::from_str("file:///home/a%20b/m.phy").unwrap();
        assert_eq!(to_path(&vscode).unwrap(), Path::new("/home/a b/m.phy"));
        let unsaved = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(to_path(&unsaved), None);
    }
}
