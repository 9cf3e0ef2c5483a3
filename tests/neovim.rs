//! `physc lsp` with a client no one here wrote: Neovim's built-in one,
//! headless, driven by `tests/neovim/client.lua`. It opens the heat example
//! with a misspelt constant and must show E0101 on that line and a hover.
//!
//! Needs `nvim` (0.7 or later; `apt-get install neovim`). Without it the
//! test says so and passes, unless `PHYSC_REQUIRE_NVIM` is set, as CI sets
//! it (`.ci/run` installs Neovim).

use std::path::Path;
use std::process::Command;

#[test]
fn neovim_shows_diagnostics_and_hovers() {
    let available = Command::new("nvim").arg("--version").output().is_ok();
    if !available {
        assert!(
            std::env::var_os("PHYSC_REQUIRE_NVIM").is_none(),
            "PHYSC_REQUIRE_NVIM is set but `nvim` is not on PATH"
        );
        eprintln!("skipped: `nvim` is not on PATH (apt-get install neovim)");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("physc-neovim-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let heat = std::fs::read_to_string(root.join("examples/heat.phy")).expect("the example");
    let model = dir.join("heat.phy");
    std::fs::write(
        &model,
        heat.replace("pde: u_t = k*u_xx", "pde: u_t = kappa*u_xx"),
    )
    .expect("the model");
    let report = dir.join("report.txt");
    // Hover over the `k` of `exp(-k*pi^2*t)`.
    let exact = heat
        .lines()
        .position(|l| l.starts_with("exact"))
        .expect("an exact line");
    let column = heat.lines().nth(exact).unwrap().find("-k").unwrap() + 1;

    let output = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-i", "NONE"])
        .arg("-c")
        .arg(format!(
            "luafile {}",
            root.join("tests/neovim/client.lua").display()
        ))
        .env("PHYSC", env!("CARGO_BIN_EXE_physc"))
        .env("PHYSC_MODEL", &model)
        .env("PHYSC_HOVER", format!("{exact}:{column}"))
        .env("PHYSC_REPORT", &report)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .output()
        .expect("nvim runs");
    let seen = std::fs::read_to_string(&report).unwrap_or_default();
    assert!(
        output.status.success(),
        "nvim failed ({}):\n{seen}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let pde = heat.lines().position(|l| l.starts_with("pde")).unwrap();
    let kappa = heat.lines().nth(pde).unwrap().find("k*u_xx").unwrap();
    assert!(
        seen.lines().any(|l| l.starts_with(&format!(
            "diagnostic E0101 {pde}:{kappa} unknown name `kappa`"
        ))),
        "{seen}"
    );
    assert!(
        seen.lines()
            .any(|l| l.starts_with("hover") && l.contains("0.1")),
        "{seen}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
