//! Fuzz target: any bytes through parsing, checking and both renderings of
//! the diagnostics must not panic. Run with `cargo fuzz run check` (see the
//! README).

#![no_main]

use libfuzzer_sys::fuzz_target;
use physc_compiler::check::Files;
use physc_compiler::diagnostics::{self, RenderOptions};
use std::path::Path;

struct NoFiles;

impl Files for NoFiles {
    fn read(&self, _: &Path) -> std::io::Result<String> {
        Ok("x,t,u\n0,0,1\n".to_string())
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let frontend = physc_compiler::check_source(&text, Path::new("."), &NoFiles);
    let found = &frontend.checked.diagnostics;
    let _ = diagnostics::render(found, "fuzz.phy", &text, RenderOptions { color: false, width: Some(80) });
    let _ = diagnostics::to_json(found, "fuzz.phy", &text);
});
