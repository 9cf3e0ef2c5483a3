//! What the runtime's tests share.

/// The heat equation on a rod with cold ends, with its closed form, then
/// `rest` (the `net` and `train` statements).
pub fn heat(rest: &str) -> String {
    format!(
        "const k = 0.1
field u(x in [0,1], t in [0,1])
pde: u_t = k*u_xx
ic:  u = sin(pi*x)              on t = 0
bc:  u = 0                      on x = 0 | x = 1
exact u = exp(-k*pi^2*t)*sin(pi*x)
{rest}
"
    )
}
