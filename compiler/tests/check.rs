//! The checker's meaning of models, statement by statement.

use physc_compiler::check::DiskFiles;
use physc_compiler::model::{print::Printer, *};
use std::path::Path;

fn model(text: &str) -> Model {
    let frontend = physc_compiler::check_source(text, Path::new("."), &DiskFiles);
    let errors: Vec<_> = frontend
        .checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{text}\n{errors:#?}");
    frontend.checked.model
}

fn codes(text: &str) -> Vec<&'static str> {
    let frontend = physc_compiler::check_source(text, Path::new("."), &DiskFiles);
    frontend
        .checked
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect()
}

/// The residual sides of each constraint, printed.
fn constraints(m: &Model) -> Vec<String> {
    let p = Printer { m };
    m.constraints
        .iter()
        .map(|c| format!("{} = {}", p.expr(&c.lhs), p.expr(&c.rhs)))
        .collect()
}

const FIELD: &str = "field u(x in [0,1], t in [0,1])\n";

#[test]
fn derivative_forms_agree() {
    let m = model(&format!(
        "{FIELD}u_xxt = d(u, x, 2, t)\nd(u_x, x, t) = d(u, x, t, x)"
    ));
    assert_eq!(constraints(&m), ["u_xxt = u_xxt", "u_xxt = u_xxt"]);
    let Expr::Field { derivative, .. } = &m.constraints[0].lhs else {
        panic!()
    };
    assert_eq!(derivative, &[2, 1]);
}

#[test]
fn derivatives_of_expressions_stay_symbolic() {
    let m = model(&format!("{FIELD}d(u^2, x) = 0"));
    assert_eq!(constraints(&m), ["d(u^2, x) = 0"]);
}

#[test]
fn underscores_split_at_the_field_name() {
    let m = model("field u_in(x in [0,1], t in [0,1])\nu_in_t = u_in_xx");
    assert_eq!(constraints(&m), ["u_in_t = u_in_xx"]);
    let Expr::Field { derivative, .. } = &m.constraints[0].lhs else {
        panic!()
    };
    assert_eq!(derivative, &[0, 1]);
}

#[test]
fn long_coordinate_names_print_with_d() {
    let m =
        model("field T(r in [1,2], theta in [0,1])\nd(T, r, 2) + d(T, theta) + d(T, r, theta) = 0");
    assert_eq!(constraints(&m), ["T_rr + d(T, theta) + d(T, r, theta) = 0"]);
}

#[test]
fn defs_inline_with_arguments_and_lap_follows_dimension() {
    let m = model(
        "def flux(f, k) = k*d(f, x)\nfield u(x in [0,1], y in [0,1], z in [0,1])\nflux(u, 2) = lap(u)",
    );
    assert_eq!(constraints(&m), ["2*u_x = u_xx + u_yy + u_zz"]);
}

#[test]
fn def_bodies_do_not_see_the_callers_names() {
    // `k` inside the def is the constant, not anything at the call site.
    let m = model("const k = 3\ndef f(u) = k*u\nfield u(x in [0,1])\nf(u_x) = 0");
    assert_eq!(constraints(&m), ["k*u_x = 0"]);
}

#[test]
fn a_user_def_shadows_the_library() {
    let m = model("def lap(f) = d(f, x, 2)\nfield u(x in [0,1], y in [0,1])\nlap(u) = 0");
    assert_eq!(constraints(&m), ["u_xx = 0"]);
}

#[test]
fn field_application_at_its_own_coordinates_is_the_field() {
    let m = model(&format!("{FIELD}u(x, t) = u(1 - x, t)"));
    assert_eq!(constraints(&m), ["u = u(1 - x, t)"]);
}

#[test]
fn domains_come_from_the_equations_boxes() {
    let m = model("field u(x, t)\nu_t = u_xx on [-2,3] x [0,5]\nu = 0 on t = 0");
    assert_eq!(
        m.functions[0]
            .domain
            .as_ref()
            .and_then(|d| d.range(CoordId(0))),
        Some((-2.0, 3.0))
    );
    assert_eq!(
        m.functions[0]
            .domain
            .as_ref()
            .and_then(|d| d.range(CoordId(1))),
        Some((0.0, 5.0))
    );
}

#[test]
fn partly_declared_domains_are_completed() {
    let m = model("field u(x in [0,1], t)\nu_t = u_xx on [0,1] x [0,2]");
    assert_eq!(
        m.functions[0]
            .domain
            .as_ref()
            .and_then(|d| d.range(CoordId(1))),
        Some((0.0, 2.0))
    );
}

#[test]
fn symmetries_are_classified() {
    let m = model(
        "field u, v(x in [-1,1], y in [-1,1])\nlap(u) = 1\nlap(v) = 1\nsymmetry u(y, -x) = u(x, y)\n\
         symmetry v(x + 2, y) = -v(x, y)\nsymmetry u(-x, y) = u\nsoft symmetry u(x^2, y) = u(x, y)",
    );
    let maps: Vec<String> = m
        .symmetries
        .iter()
        .map(|s| match &s.map {
            SymmetryMap::Periodic { period, .. } => format!("periodic {period} sign {}", s.sign),
            SymmetryMap::Finite { order, .. } => format!("finite {order} sign {}", s.sign),
            SymmetryMap::Sampled { .. } => format!("sampled sign {}", s.sign),
        })
        .collect();
    assert_eq!(
        maps,
        [
            "finite 4 sign 1",
            "periodic 2 sign -1",
            "finite 2 sign 1",
            "sampled sign 1"
        ]
    );
}

/// A value map is `±u` plus a constant, on either side: `c(-x) = 1 - c(x)`
/// is an action of the reflection; `c(-x) = 1 + c(x)` is not (applied
/// twice it gives `c + 2`), nor is `2*c(x)`, nor a shift that adds.
#[test]
fn symmetries_map_values_affinely() {
    let m = model(
        "field c(x in [-1,1], t in [0,1])\nc_t = c_xx\nsymmetry c(-x, t) = 1 - c(x, t)\n\
         soft symmetry 2*c(x, t) - 1 = 3 - c(-x, t)",
    );
    let maps: Vec<(f64, f64)> = m.symmetries.iter().map(|s| (s.sign, s.offset)).collect();
    assert_eq!(maps, [(-1.0, 1.0), (-2.0, 4.0)]);
    let field = "field c(x in [-1,1], t in [0,1])\nc_t = c_xx\n";
    for refused in [
        "symmetry c(-x, t) = 1 + c(x, t)",
        "symmetry c(-x, t) = 2*c(x, t)",
        "symmetry c(x + 2, t) = c(x, t) + 1",
    ] {
        assert_eq!(codes(&format!("{field}{refused}")), ["E0305"], "{refused}");
    }
}

/// A turn by a third keeps a disk about its centre, not a square.
#[test]
fn a_turn_by_a_third_is_built_in_where_it_keeps_the_domain() {
    let turn = "symmetry u(-x/2 - sqrt(3)/2*y, sqrt(3)/2*x - y/2) = u(x, y)";
    let m = model(&format!(
        "region plate = disk((0,0), 1)\nfield u((x, y) in plate)\nlap(u) = 1\n{turn}"
    ));
    assert!(matches!(
        m.symmetries[0].map,
        SymmetryMap::Finite { order: 3, .. }
    ));
    assert_eq!(
        codes(&format!(
            "field u(x in [-1,1], y in [-1,1])\nlap(u) = 1\n{turn}"
        )),
        ["E0305"]
    );
}

/// A quarter turn and a shift along `x` generate shifts along `y` too:
/// no finite group, even with `x` periodic.
#[test]
fn symmetries_that_generate_an_infinite_group_are_rejected() {
    assert_eq!(
        codes(
            "field u(x in [-1,1], y in [-1,1])\nlap(u) = 1\nsymmetry u(y, -x) = u(x, y)\n\
             symmetry u(x + 2, y) = -u(x, y)"
        ),
        ["E0305"]
    );
}

#[test]
fn an_affine_map_of_infinite_order_is_rejected() {
    assert_eq!(
        codes(&format!(
            "{FIELD}u_t = u_xx\nsymmetry u(-x + 1, t + 1) = u(x, t)"
        )),
        ["E0305"]
    );
}

#[test]
fn complex_fields_and_imaginary_unit_check() {
    let m = model(
        "field h(x in [-5,5], t in [0,1]): complex\ni*h_t + 0.5*h_xx + abs(h)^2*h = 0\nh = 2*sech(x) on t = 0",
    );
    assert!(m.functions[0].complex);
    assert_eq!(constraints(&m)[0], "i*h_t + 0.5*h_xx + abs(h)^2*h = 0");
}

#[test]
fn constants_fold_with_complex_intermediates() {
    let m =
        model("const a = abs(3 + 4*i)\nconst b = re(exp(i*pi))\nfield u(x in [0, a])\nu_xx = b");
    assert_eq!(m.consts[0].value, 5.0);
    assert!((m.consts[1].value + 1.0).abs() < 1e-15);
}

#[test]
fn constants_may_refer_forward_but_not_in_a_cycle() {
    let m = model("const a = b + 1\nconst b = 2\nfield u(x in [0, a])\nu_xx = 0");
    assert_eq!(m.consts[0].value, 3.0);
    assert_eq!(
        codes("const a = b\nconst b = a\nfield u(x in [0,1])\nu_xx = a"),
        ["E0105"]
    );
}

#[test]
fn train_block_fills_defaults_and_keeps_stage_order() {
    let m = model(&format!(
        "{FIELD}pde: u_t = u_xx\nic: u = 0 on t = 0\ntrain {{\n  lbfgs(steps = 10)\n  adam(lr = 0.01, steps = 20)\n  \
         points(pde = 500, ic = 50); weights(ic = 10); seed = 7; sampler = sobol\n}}"
    ));
    let t = &m.train;
    assert!(matches!(t.stages[0], Optimizer::Lbfgs { steps: 10, .. }));
    assert!(matches!(t.stages[1], Optimizer::Adam { steps: 20, .. }));
    assert_eq!((t.seed, t.sampler), (7, Sampler::Sobol));
    assert_eq!(
        t.label_points,
        [("pde".to_string(), 500), ("ic".to_string(), 50)]
    );
    assert_eq!(t.weights, [("ic".to_string(), 10.0)]);
}

#[test]
fn points_and_weights_name_labels() {
    assert_eq!(
        codes(&format!(
            "{FIELD}pde: u_t = u_xx\ntrain {{ points(pdee = 10) }}"
        )),
        ["E0401"]
    );
}

#[test]
fn every_field_gets_a_network() {
    let m = model(
        "field u, v, p (x in [0,1], y in [0,1])\nnet u, v = mlp(width = 8)\nu = v\nv = p\np = u_x",
    );
    assert_eq!(m.nets.len(), 2);
    assert_eq!(m.nets[0].outputs, [FuncId(0), FuncId(1)]);
    assert!(m.nets[0].declared && !m.nets[1].declared);
}

#[test]
fn statements_may_continue_over_lines() {
    let m = model(&format!(
        "{FIELD}u_t =\n  u_xx +\n  u_x\nu = 0 on x = 0 |\n  x = 1"
    ));
    assert_eq!(constraints(&m), ["u_t = u_xx + u_x", "u = 0"]);
    assert!(matches!(m.constraints[1].on, Where::Union(_)));
}

/// A boundary of the region a time-dependent field binds its space
/// coordinates to holds on that boundary at every time: it binds to the
/// region's coordinates, and sampling spreads its points over time.
#[test]
fn a_boundary_of_a_bound_region_binds_to_its_coordinates() {
    use physc_compiler::program::{geometry::Rng, sample::points};
    let m = model(
        "region dom = disk((0, 0), 1)
field c((x, y) in dom, t in [0, 2])
pde: c_t = c_xx + c_yy
wall: c = 0             on boundary(dom)
hole: c = 1             on boundary(disk((0, 0), 0.5))
net c = mlp(depth = 1, width = 4, act = tanh)
train { adam(steps = 1) }",
    );
    let (x, y, t) = (CoordId(0), CoordId(1), CoordId(2));
    for (k, radius) in [(1, 1.0), (2, 0.5)] {
        let c = &m.constraints[k];
        let Where::Set { coords, .. } = &c.on else {
            panic!("{:?}", c.on)
        };
        assert_eq!(coords, &[x, y]);
        let pts = points(&m, c, &c.on, 200, &mut Rng::new(1)).expect("fills");
        assert_eq!(pts.len(), 200);
        for p in &pts {
            let r = p.coords[x.index()].hypot(p.coords[y.index()]);
            assert!((r - radius).abs() < 1e-9, "r = {r}");
        }
        let times: Vec<f64> = pts.iter().map(|p| p.coords[t.index()]).collect();
        assert!(times.iter().any(|&v| v < 0.5) && times.iter().any(|&v| v > 1.5));
    }
}

#[test]
fn gamma_is_evaluated_on_constants() {
    let m = model(
        "const a = gamma(4)\nfield u(x in [0,1])\neq: u_x = gamma(0.5)*a*x\nbc: u = 0 on x = 0",
    );
    // Gamma(1/2) = sqrt(pi), folded to a number where it is written.
    let printed = constraints(&m).join("\n");
    assert!(printed.contains("1.77245385090551"), "{printed}");
    assert_eq!(
        codes("field u(x in [0,1])\neq: u_x = gamma(x)\nbc: u = 0 on x = 0"),
        ["E0301"]
    );
    assert_eq!(
        codes("field u(x in [0,1])\neq: u_x = gamma(-1)*x\nbc: u = 0 on x = 0"),
        ["E0402"]
    );
}
