use super::*;
use crate::check::DiskFiles;

const MODEL: &str = "\
# Burgers
const nu = 0.01
field u(x in [-1,1], t in [0,1])
def flux(f) = f^2/2
pde: u_t + d(flux(u), x) - nu*lap(u) = 0
ic:  u = -sin(pi*x)   on t = 0
net u = mlp(depth = 2, width = 8, act = tanh)
train { adam(steps = 10); points(pde = 100, ic = 20) }
";

fn analysis(text: &str) -> Analysis {
    Analysis::new(text.to_string(), Path::new("."), &DiskFiles)
}

/// The offset of the `n`-th (0-based) occurrence of `needle`, plus `k`.
fn at(text: &str, needle: &str, n: usize, k: usize) -> usize {
    text.match_indices(needle).nth(n).expect("needle").0 + k
}

#[test]
fn definition_of_a_name_a_derivative_and_a_label() {
    let a = analysis(MODEL);
    assert!(
        a.frontend.checked.diagnostics.is_empty(),
        "{:?}",
        a.frontend.checked.diagnostics
    );
    let nu_decl = at(MODEL, "nu", 0, 0);
    assert_eq!(
        a.definition(at(MODEL, "nu*", 0, 1)),
        Some(Place::Here(Span::new(nu_decl, nu_decl + 2)))
    );
    // `u_t`: the `u` goes to the field, the `t` to the coordinate.
    let u_decl = at(MODEL, "u(x", 0, 0);
    assert_eq!(
        a.definition(at(MODEL, "u_t", 0, 0)),
        Some(Place::Here(Span::new(u_decl, u_decl + 1)))
    );
    let t_decl = at(MODEL, "t in", 0, 0);
    assert_eq!(
        a.definition(at(MODEL, "u_t", 0, 2)),
        Some(Place::Here(Span::new(t_decl, t_decl + 1)))
    );
    // A label named in `points(...)`.
    let ic_decl = at(MODEL, "ic:", 0, 0);
    assert_eq!(
        a.definition(at(MODEL, "ic = 20", 0, 0)),
        Some(Place::Here(Span::new(ic_decl, ic_decl + 2)))
    );
    // A `def` parameter is local to its body.
    let f_decl = at(MODEL, "flux(f)", 0, 5);
    assert_eq!(
        a.definition(at(MODEL, "f^2", 0, 0)),
        Some(Place::Here(Span::new(f_decl, f_decl + 1)))
    );
}

#[test]
fn definition_of_a_standard_operator_is_in_its_module() {
    let a = analysis(MODEL);
    let Some(Place::Stdlib { module, span }) = a.definition(at(MODEL, "lap", 0, 1)) else {
        panic!("lap is a standard operator");
    };
    let (name, text) = crate::stdlib::MODULES[module];
    assert_eq!(name, "operators");
    assert_eq!(&text[span.start..span.end], "lap");
}

#[test]
fn references_include_the_declaration_first() {
    let a = analysis(MODEL);
    let refs = a.references(at(MODEL, "u_t", 0, 0));
    let texts: Vec<&str> = refs.iter().map(|s| a.slice(*s)).collect();
    // field u, u_t's u, flux(u), lap(u), ic's u, net u.
    assert_eq!(texts, vec!["u"; 6], "{refs:?}");
    assert_eq!(refs[0].start, at(MODEL, "u(x", 0, 0));
}

#[test]
fn hover_shows_the_domain_the_network_and_the_derivatives_read() {
    let a = analysis(MODEL);
    let (_, text) = a.hover(at(MODEL, "u_t", 0, 0)).expect("hover");
    assert!(
        text.contains("field `u` on x in [-1, 1] x t in [0, 1]"),
        "{text}"
    );
    assert!(
        text.contains("mlp(depth = 2, width = 8, act = tanh)"),
        "{text}"
    );
    assert!(
        text.contains("the equations read: u, u_x, u_t, u_xx"),
        "{text}"
    );
    let (_, text) = a.hover(at(MODEL, "nu*", 0, 0)).expect("hover");
    assert!(text.contains("constant `nu` = 0.01"), "{text}");
    let (_, text) = a.hover(at(MODEL, "lap", 0, 0)).expect("hover");
    assert!(
        text.contains("Laplacian over the spatial coordinates"),
        "{text}"
    );
    assert!(
        text.contains("def lap(u) = sum(c in space(u), d(u, c, 2))"),
        "{text}"
    );
    // What the operators became in this equation.
    assert!(text.contains("expanded in `pde`:"), "{text}");
    let (_, flux) = a.hover(at(MODEL, "flux(u)", 0, 0)).expect("hover");
    assert!(flux.contains("expanded in `pde`:"), "{flux}");
    let (_, declared) = a.hover(at(MODEL, "flux(f)", 0, 0)).expect("hover");
    assert!(!declared.contains("expanded in"), "{declared}");
}

#[test]
fn hover_names_the_features_a_network_reads() {
    let text = "field u(t in [0,1])\npde: u_t = u\nic: u = 1 on t = 0\n\
                net u = mlp(features = [t, sin(t)])\n";
    let a = analysis(text);
    let (_, hover) = a.hover(at(text, "u_t", 0, 0)).expect("hover");
    assert!(hover.contains("inputs t, sin(t);"), "{hover}");
    assert!(hover.contains("the equations read: u, u_t"), "{hover}");
}

#[test]
fn completion_by_context() {
    let a = analysis(MODEL);
    let labels =
        |offset| -> Vec<String> { a.completions(offset).into_iter().map(|c| c.label).collect() };
    let mlp = labels(at(MODEL, "depth", 0, 0));
    assert!(
        mlp.contains(&"width".to_string()) && mlp.contains(&"fourier".to_string()),
        "{mlp:?}"
    );
    let points = labels(at(MODEL, "pde = 100", 0, 1));
    assert_eq!(points, vec!["pde", "ic"]);
    let act = labels(at(MODEL, "tanh", 0, 2));
    assert!(act.contains(&"sin".to_string()), "{act:?}");
    let train = labels(at(MODEL, "adam", 0, 0));
    assert!(
        train.contains(&"lbfgs".to_string()) && train.contains(&"seed".to_string()),
        "{train:?}"
    );
    let anywhere = labels(at(MODEL, "nu*", 0, 0));
    for name in ["nu", "u", "flux", "lap", "sin", "field", "pi", "disk"] {
        assert!(
            anywhere.contains(&name.to_string()),
            "{name} missing from {anywhere:?}"
        );
    }
    assert!(
        !anywhere.contains(&"f".to_string()),
        "a def's parameter is local"
    );
}

#[test]
fn outline_lists_fields_equations_and_networks() {
    let a = analysis(MODEL);
    let outline: Vec<(String, SymbolKind)> =
        a.outline().into_iter().map(|i| (i.name, i.kind)).collect();
    assert_eq!(
        outline,
        vec![
            ("nu".into(), SymbolKind::Const),
            ("u".into(), SymbolKind::Field),
            ("x".into(), SymbolKind::Coordinate),
            ("t".into(), SymbolKind::Coordinate),
            ("flux".into(), SymbolKind::Def),
            ("pde".into(), SymbolKind::Label),
            ("ic".into(), SymbolKind::Label),
            ("net u".into(), SymbolKind::Network),
        ]
    );
}
