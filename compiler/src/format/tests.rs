use super::*;

fn fmt(text: &str) -> String {
    format(text).unwrap_or_else(|e| panic!("{text:?} does not parse: {e:?}"))
}

#[test]
fn operators_are_spaced_as_the_examples_write_them() {
    assert_eq!(
        fmt("pde:u_t+u * u_x-nu / pi*u_xx=0 on[-1, 1]x[0 ,1]"),
        "pde: u_t + u*u_x - nu/pi*u_xx = 0   on [-1,1] x [0,1]\n"
    );
    assert_eq!(fmt("const a=-2*-x^-1"), "const a = -2*-x^-1\n");
    assert_eq!(
        fmt("bc: u=0 on x=-1|x=1"),
        "bc: u = 0   on x = -1 | x = 1\n"
    );
    assert_eq!(
        fmt("region r=[-1,1]x[-1,1]-disk((0, 0),0.3)"),
        "region r = [-1,1] x [-1,1] - disk((0,0), 0.3)\n"
    );
}

#[test]
fn commas_are_tight_only_between_plain_numbers() {
    assert_eq!(
        fmt("field h(x in [-5,5], t in [0,pi/2])"),
        "field h(x in [-5,5], t in [0, pi/2])\n"
    );
    assert_eq!(
        fmt("field T((x,y) in plate)\nregion plate = [0,1] x [0,1]"),
        "field T((x, y) in plate)\nregion plate = [0,1] x [0,1]\n"
    );
    assert_eq!(fmt("field u,v,p(x, y)"), "field u, v, p (x, y)\n");
}

#[test]
fn numbers_keep_their_spelling() {
    assert_eq!(
        fmt("train{adam(lr=1e-3,steps=5000);lbfgs(steps=2000)}"),
        "train { adam(lr = 1e-3, steps = 5000); lbfgs(steps = 2000) }\n"
    );
    assert_eq!(fmt("const a = .5E+2"), "const a = .5E+2\n");
}

#[test]
fn labels_on_clauses_and_comments_align_within_a_block() {
    let text = "pde: u_t = k*u_xx\nic: u = sin(pi*x) on t = 0 # start\nboundary_left: u = 0 on x = 0\n\nsymmetry u(-x, t) = u(x, t) # odd\nconserve integral(u, x) # heat\n";
    assert_eq!(
        fmt(text),
        "\
pde:           u_t = k*u_xx
ic:            u = sin(pi*x)   on t = 0   # start
boundary_left: u = 0           on x = 0

symmetry u(-x, t) = u(x, t)   # odd
conserve integral(u, x)       # heat
"
    );
}

#[test]
fn comments_and_blank_lines_are_kept_and_tidied() {
    let text = "\n\n# head   \nconst a = 1\n\n\n\n  # about b\nconst b = 2\n\n";
    assert_eq!(fmt(text), "# head\nconst a = 1\n\n# about b\nconst b = 2\n");
}

#[test]
fn statements_over_several_lines_keep_their_breaks_and_are_indented() {
    let text = "train {\nadam(lr = 1e-3,\nsteps = 10)   # first\n    lbfgs(steps = 5)\n}\nconst a = 1 +\n# why\n2\n";
    assert_eq!(
        fmt(text),
        "train {\n  adam(lr = 1e-3,\n    steps = 10)   # first\n  lbfgs(steps = 5)\n}\nconst a = 1 +\n    # why\n    2\n"
    );
}

#[test]
fn a_sign_after_a_keyword_or_operator_is_unary() {
    assert_eq!(
        fmt("dp: traj.dp =  - d(H, q) on traj"),
        "dp: traj.dp = -d(H, q)   on traj\n"
    );
    assert_eq!(fmt("const a = 1 - - 2"), "const a = 1 - -2\n");
}

#[test]
fn a_file_with_syntax_errors_is_not_formatted() {
    let errors = format("const a = (1 +\nconst b = 2").unwrap_err();
    assert!(!errors.is_empty());
}

#[test]
fn formatting_twice_changes_nothing() {
    for text in [
        "pde: u_t+u*u_x=0 on [0,1]x[0,1] # c\nic:u=1 on t=0\n",
        "train {\nadam(lr = 1e-3)\n}\n",
        "const a = 1; const b = 2 # two\n",
    ] {
        let once = fmt(text);
        assert_eq!(fmt(&once), once, "from {text:?}");
    }
}
