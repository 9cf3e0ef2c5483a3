//! Exact solutions against their equations: classical closed forms pass
//! with no diagnostic at all, and a wrong variant of each is flagged on the
//! equation it breaks, and only there. This is also the end-to-end test of
//! `diff`: every derivative of every solution is taken symbolically.

use physc_compiler::check::DiskFiles;
use physc_compiler::diagnostics::Code;
use std::path::Path;

/// The labels of the equations flagged by the exact-solution check; panics
/// on any other diagnostic.
fn flagged(text: &str) -> Vec<String> {
    let frontend = physc_compiler::check_source(text, Path::new("."), &DiskFiles);
    let mut labels = vec![];
    for d in &frontend.checked.diagnostics {
        assert_eq!(
            d.code,
            Code::ExactMismatch,
            "unexpected diagnostic in\n{text}\n{d:#?}"
        );
        let start = d.labels[0].span.start;
        let line = &text[start..];
        labels.push(line[..line.find(':').expect("a label")].to_string());
    }
    labels
}

fn check_pair(right: &str, wrong: &str, flagged_in_wrong: &[&str]) {
    assert_eq!(
        flagged(right),
        Vec::<String>::new(),
        "the right solution is flagged:\n{right}"
    );
    assert_eq!(
        flagged(wrong),
        flagged_in_wrong,
        "the wrong solution:\n{wrong}"
    );
}

const HEAT: &str = "
field u(x in [0,1], t in [0,1])
pde: u_t = 0.1*u_xx
ic: u = sin(pi*x) + 0.3*sin(2*pi*x) on t = 0
bc: u = 0 on x = 0 | x = 1
";

#[test]
fn heat() {
    check_pair(
        &format!("{HEAT}exact u = exp(-0.1*pi^2*t)*sin(pi*x) + 0.3*exp(-0.4*pi^2*t)*sin(2*pi*x)"),
        &format!("{HEAT}exact u = exp(-0.1*pi^2*t)*sin(pi*x) + 0.3*exp(-0.1*pi^2*t)*sin(2*pi*x)"),
        &["pde"],
    );
}

const WAVE: &str = "
use equations
field u(x in [0,1], t in [0,2])
pde: wave(u, 2) = 0
ic: u = sin(pi*x) on t = 0
rest: u_t = 0 on t = 0
bc: u = 0 on x = 0 | x = 1
";

#[test]
fn wave() {
    check_pair(
        &format!("{WAVE}exact u = sin(pi*x)*cos(2*pi*t)"),
        &format!("{WAVE}exact u = sin(pi*x)*sin(2*pi*t) + sin(pi*x)"),
        &["pde", "rest"],
    );
}

const KDV: &str = "
const c = 1.5
field u(x in [-8,8], t in [0,2])
pde: u_t + 6*u*u_x + u_xxx = 0
ic: u = c/2*sech(sqrt(c)/2*x)^2 on t = 0
";

#[test]
fn kdv_soliton_needs_third_derivatives() {
    check_pair(
        &format!("{KDV}exact u = c/2*sech(sqrt(c)/2*(x - c*t))^2"),
        &format!("{KDV}exact u = c/2*sech(sqrt(c)/2*(x - 2*c*t))^2"),
        &["pde"],
    );
}

const BURGERS: &str = "
const nu = 0.05
const a = 0.8
const c = 0.2
field u(x in [-1,1], t in [0,1])
pde: u_t + u*u_x - nu*u_xx = 0
ic: u = c - a*tanh(a*x/(2*nu)) on t = 0
";

#[test]
fn viscous_burgers_travelling_wave() {
    check_pair(
        &format!("{BURGERS}exact u = c - a*tanh(a*(x - c*t)/(2*nu))"),
        &format!("{BURGERS}exact u = c - a*tanh(a*(x - c*t)/nu)"),
        &["pde", "ic"],
    );
}

const NLS: &str = "
const eta = 2
field h(x in [-5,5], t in [0, pi/2]): complex
pde: i*h_t + 0.5*h_xx + abs(h)^2*h = 0
ic: h = eta*sech(eta*x) on t = 0
";

#[test]
fn nonlinear_schroedinger_soliton() {
    check_pair(
        &format!("{NLS}exact h = eta*sech(eta*x)*exp(i*eta^2*t/2)"),
        &format!("{NLS}exact h = eta*sech(eta*x)*exp(i*eta^2*t)"),
        &["pde"],
    );
}

const KOVASZNAY: &str = "
const Re = 20
const l = Re/2 - sqrt(Re^2/4 + 4*pi^2)
field u, v, p (x in [-0.5,1], y in [-0.5,1.5])
mx: u*u_x + v*u_y + p_x - (u_xx + u_yy)/Re = 0
my: u*v_x + v*v_y + p_y - (v_xx + v_yy)/Re = 0
mass: u_x + v_y = 0
wall: u = 1 - exp(l*x)*cos(2*pi*y) on boundary([-0.5,1] x [-0.5,1.5])
exact u = 1 - exp(l*x)*cos(2*pi*y)
";

#[test]
fn kovasznay_flow_three_fields() {
    check_pair(
        &format!(
            "{KOVASZNAY}exact v = l/(2*pi)*exp(l*x)*sin(2*pi*y)\nexact p = 0.5*(1 - exp(2*l*x))"
        ),
        &format!(
            "{KOVASZNAY}exact v = l/(2*pi)*exp(l*x)*sin(2*pi*y)\nexact p = 0.5*(1 - exp(l*x))"
        ),
        &["mx"],
    );
}

const POISSON: &str = "
region lshape = [-1,1] x [-1,1] - [0,1] x [0,1]
field u((x, y) in lshape)
pde: -lap(u) = 2*pi^2*sin(pi*x)*sin(pi*y)
bc: u = 0 on boundary(lshape)
";

#[test]
fn poisson_on_an_l_shape() {
    check_pair(
        &format!("{POISSON}exact u = sin(pi*x)*sin(pi*y)"),
        &format!("{POISSON}exact u = sin(pi*x)*sin(pi*y) + 0.01*x*(1 - x)"),
        &["pde", "bc"],
    );
}

#[test]
fn inequalities_are_checked_in_their_direction() {
    let right =
        "field u(x in [0,1])\neq: u_xx = -pi^2*sin(pi*x)\npositive: u >= 0\nexact u = sin(pi*x)";
    // sin(pi x) - x^2 satisfies its equation but is negative near x = 1.
    let wrong = "field u(x in [0,1])\neq: u_xx = -pi^2*sin(pi*x) - 2\npositive: u >= 0\nexact u = sin(pi*x) - x^2";
    assert_eq!(flagged(right), Vec::<String>::new());
    assert_eq!(flagged(wrong), ["positive"]);
}

#[test]
fn data_rows_are_checked() {
    let dir = std::env::temp_dir().join(format!("physc-exact-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let rows: String = (0..20)
        .map(|k| k as f64 / 19.0)
        .map(|x| format!("{x},{}\n", (std::f64::consts::PI * x).sin()))
        .collect();
    std::fs::write(dir.join("good.csv"), format!("x,u\n{rows}")).expect("write");
    std::fs::write(dir.join("bad.csv"), format!("x,u\n{rows}0.5,0.9\n")).expect("write");
    let model = |file: &str| {
        format!(
            "data obs = csv(\"{file}\")\nfield u(x in [0,1])\neq: u_xx = -pi^2*u\nfit: u = obs.u on obs\nexact u = sin(pi*x)"
        )
    };
    let run = |file: &str| {
        let frontend = physc_compiler::check_source(&model(file), &dir, &DiskFiles);
        frontend
            .checked
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>()
    };
    assert_eq!(run("good.csv"), []);
    assert_eq!(run("bad.csv"), [Code::ExactMismatch]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Laplace on a ring with the inner circle held hard at 1: the exact
/// solution is checked against the equations as written (a hard transform
/// shapes the network, not the field), so the right one passes everywhere
/// and a wrong one is flagged on both circles, the hard one included.
#[test]
fn hard_constraints_are_checked_as_written() {
    let ring = |exact: &str| {
        format!(
            "region ring = disk((0,0), 1) - disk((0,0), 0.5)
field u((x, y) in ring)
pde:   u_xx + u_yy = 0
inner: hard u = 1   on boundary(disk((0,0), 0.5))
outer: u = 0        on boundary(disk((0,0), 1))
exact u = {exact}"
        )
    };
    check_pair(
        &ring("log(sqrt(x^2 + y^2))/log(0.5)"),
        &ring("log(sqrt(x^2 + y^2))/log(0.5) + 0.1*x"),
        &["inner", "outer"],
    );
}

/// The prelude's `max`, `min` and `relu`, differentiated through `abs`:
/// `u_x = max(2x, x)` is `2x` on the right and `x` on the left.
const KINK: &str = "
field u(x in [-1,1])
pde: u_x = max(2*x, x)
bc: u = 0 on x = 0
";

#[test]
fn piecewise_linear_functions() {
    check_pair(
        &format!("{KINK}exact u = relu(x)^2 + min(x, 0)^2/2"),
        &format!("{KINK}exact u = relu(x)^2 + min(x, 0)^2"),
        &["pde"],
    );
}

/// `gamma` of constants in an equation and its solution: `u_x = 6
/// Gamma(3/2) x` is solved by `2 Gamma(5/2) x^2`, as `Gamma(5/2) = 3/2
/// Gamma(3/2)`.
const GAMMA: &str = "
field u(x in [0,1])
pde: u_x = 6*gamma(1.5)*x
bc: u = 0 on x = 0
";

#[test]
fn gamma_of_constants() {
    check_pair(
        &format!("{GAMMA}exact u = 2*gamma(2.5)*x^2"),
        &format!("{GAMMA}exact u = 3*gamma(2.5)*x^2"),
        &["pde"],
    );
}

/// `erf` in a solution: heat spreading from a step, `erf(x / (2 sqrt(k
/// t)))`, away from t = 0.
const STEP: &str = "
field u(x in [0,1], t in [0.1,1])
pde: u_t = 0.05*u_xx
bc: u = 0 on x = 0
";

#[test]
fn erf_solutions() {
    check_pair(
        &format!("{STEP}exact u = erf(x/(2*sqrt(0.05*t)))"),
        &format!("{STEP}exact u = erf(x/sqrt(0.05*t))"),
        &["pde"],
    );
}

/// Integrals between limits, by Gauss-Legendre quadrature at every point:
/// a Volterra integro-differential equation with a variable upper limit,
/// and a Fredholm-like one over fixed limits; the kernel's sign turned is
/// flagged.
#[test]
fn integrals_between_limits() {
    let volterra = "field y(t in [0,5])
ide: y_t + y = integral(KERNEL*y(s), s, 0, t)
ic: y = 1 on t = 0
exact y = exp(-t)*cosh(t)";
    check_pair(
        &volterra.replace("KERNEL", "exp(s - t)"),
        &volterra.replace("KERNEL", "exp(t - s)"),
        &["ide"],
    );
    // int_0^1 s^2 exp(s) ds = e - 2.
    let fixed = "field y(x in [0,1])
pde: y + integral(x*s^2*y(s), s, LO, 1) = exp(x) + x*(e - 2)
exact y = exp(x)";
    check_pair(
        &fixed.replace("LO", "0"),
        &fixed.replace("LO", "0.5"),
        &["pde"],
    );
}

/// Fractional operators, checked to `FRACTIONAL_TOLERANCE` (quadrature):
/// DeepXDE's fractional Poisson problems in 1-D (with `gamma` of a `def`'s
/// parameter) and on a disk, where the exact solution's derivatives are
/// singular at the rim; a wrong solution or order is flagged.
const FRACTIONAL_1D: &str = "
const alpha = 1.5
field u(x in [0,1])
def both(k) = gamma(k + 1)/gamma(k + 1 - alpha)*(x^(k - alpha) + (1 - x)^(k - alpha))
pde: rl_left(u, x, alpha) + rl_right(u, x, alpha) = both(3) - 3*both(4) + 3*both(5) - both(6)
";

const FRACTIONAL_DISK: &str = "
const alpha = 1.8
field u((x, y) in disk((0, 0), 1))
pde: frac_lap(u, ORDER) = 2^alpha*gamma(2 + alpha/2)*gamma(1 + alpha/2)*(1 - (1 + alpha/2)*(x^2 + y^2))
exact u = abs(1 - x^2 - y^2)^(1 + alpha/2)
";

#[test]
fn fractional_poisson() {
    check_pair(
        &format!("{FRACTIONAL_1D}exact u = x^3*(1 - x)^3"),
        &format!("{FRACTIONAL_1D}exact u = x^3*(1 - x)^2"),
        &["pde"],
    );
    check_pair(
        &FRACTIONAL_DISK.replace("ORDER", "alpha"),
        &FRACTIONAL_DISK.replace("ORDER", "1.6"),
        &["pde"],
    );
}

/// Outgoing cylindrical waves, `H_m(k r) e^(i m theta)` with
/// `e^(i m theta) = ((x + i y)/r)^m`, solve the Helmholtz equation away
/// from the axis; every derivative is the symbolic one of the Bessel
/// recurrences (negative orders included), compiled and evaluated. A wave
/// of one order with the angular factor of another is flagged.
const CYLINDRICAL: &str = "
const k = 3
region ring = disk((0, 0), 2) - disk((0, 0), 0.5)
field u((x, y) in ring): complex
def r(x, y) = sqrt(x^2 + y^2)
pde: lap(u) + k^2*u = 0
";

#[test]
fn bessel_and_hankel_waves() {
    check_pair(
        &format!(
            "{CYLINDRICAL}exact u = hankel1(2, k*r(x, y))*((x + i*y)/r(x, y))^2 + bessely(-3, k*r(x, y))*((x + i*y)/r(x, y))^(-3)"
        ),
        &format!("{CYLINDRICAL}exact u = hankel1(2, k*r(x, y))*((x + i*y)/r(x, y))^3"),
        &["pde"],
    );
    // A sum over a range: the plane wave exp(i k x) as its Jacobi-Anger
    // series, 40 terms; each solves the equation, so the sum does.
    let plane = format!(
        "{CYLINDRICAL}exact u = sum(n in range(-20, 20), i^n*besselj(n, k*r(x, y))*((x + i*y)/r(x, y))^n)"
    );
    assert_eq!(flagged(&plane), Vec::<String>::new());
}

/// A `reference` written as a formula is compared with but not claimed to
/// solve the equations, so it is not checked against them.
#[test]
fn a_reference_formula_is_not_checked() {
    let wrong = "exact u = besselj(0, 2*k*r(x, y))";
    assert_eq!(flagged(&format!("{CYLINDRICAL}{wrong}")), ["pde"]);
    let reference = wrong.replace("exact", "reference");
    assert_eq!(
        flagged(&format!("{CYLINDRICAL}{reference}")),
        Vec::<String>::new()
    );
}
