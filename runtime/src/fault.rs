//! Fault injection for the crash-safety tests: `PHYSC_CRASH_AT=POINT:N`
//! aborts the process the N-th time it reaches the named point, as
//! `kill -9` would (no destructors, no buffers flushed), at moments a timed
//! kill rarely hits. Points: `checkpoint` (half-way through writing a
//! checkpoint's temporary file) and `report` (between the run directory's
//! files after training). Unset, a point costs a counter update.

use std::sync::Mutex;

/// Reached `name`: aborts if this is the crash the environment asks for.
pub fn point(name: &str) {
    static TARGET: std::sync::OnceLock<Option<(String, u64)>> = std::sync::OnceLock::new();
    static SEEN: Mutex<Vec<(String, u64)>> = Mutex::new(Vec::new());
    let target = TARGET.get_or_init(|| {
        let spec = std::env::var("PHYSC_CRASH_AT").ok()?;
        let (point, n) = spec.split_once(':')?;
        Some((point.to_string(), n.parse().ok()?))
    });
    let Some((point, n)) = target else {
        return;
    };
    if point != name {
        return;
    }
    let Ok(mut seen) = SEEN.lock() else {
        return;
    };
    let count = match seen.iter_mut().find(|(p, _)| p == name) {
        Some((_, c)) => {
            *c += 1;
            *c
        }
        None => {
            seen.push((name.to_string(), 1));
            1
        }
    };
    if count == *n {
        std::process::abort();
    }
}
