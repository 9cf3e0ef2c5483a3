//! Fuzz target: any bytes as a model's data file (`csv("obs.csv")`, a
//! BOM, quotes, CRLF and non-finite cells included) through checking and
//! the diagnostics must not panic. Run with `cargo fuzz run data` (see the
//! README).

#![no_main]

use libfuzzer_sys::fuzz_target;
use physc_compiler::check::Files;
use physc_compiler::diagnostics;
use std::path::Path;

const MODEL: &str = "data obs = csv(\"obs.csv\")
field u(x in [0,1], t in [0,1])
pde: u_t = 0.1*u_xx
fit: u = obs.u on obs
";

struct OneFile(String);

impl Files for OneFile {
    fn read(&self, _: &Path) -> std::io::Result<String> {
        Ok(self.0.clone())
    }
}

fuzz_target!(|data: &[u8]| {
    let file = OneFile(String::from_utf8_lossy(data).into_owned());
    let frontend = physc_compiler::check_source(MODEL, Path::new("."), &file);
    let _ = diagnostics::to_json(&frontend.checked.diagnostics, "fuzz.phy", MODEL);
    let _ = physc_compiler::check::csv::parse(&file.0);
});
