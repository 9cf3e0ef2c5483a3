//! The algebra as text: each generator in the coordinates and `u`, and
//! what keeps it.

use super::poly::Poly;
use super::{Algebra, Kept};

pub fn algebra(a: &Algebra) -> String {
    let coords = a.coords.join(", ");
    let mut out = format!(
        "Lie point symmetries of `{}` for {}({coords}): generators with coefficients of degree <= {} in {coords} and affine in {}\n",
        a.equation, a.field, a.degree, a.field
    );
    out.push_str(&format!("{} generators\n", a.generators.len()));
    let names: Vec<String> = a.coords.iter().cloned().chain([a.field.clone()]).collect();
    for (k, g) in a.generators.iter().enumerate() {
        let mut parts = vec![];
        for (p, name) in g.xi.iter().chain([&g.phi]).zip(&names) {
            if p.is_zero() {
                continue;
            }
            parts.push(term(p, &names, &format!("d{name}")));
        }
        out.push_str(&format!("X{} = {}\n", k + 1, join_signed(&parts)));
        let domain = match g.keeps_domain {
            Some(true) => "kept".to_string(),
            Some(false) => "not kept".to_string(),
            None => "not decided".to_string(),
        };
        out.push_str(&format!("     domain: {domain}\n"));
        for (label, kept) in &g.conditions {
            let kept = match kept {
                Kept::Yes => "kept".to_string(),
                Kept::No(why) => format!("not kept: {why}"),
                Kept::Unknown(why) => format!("not decided: {why}"),
            };
            out.push_str(&format!("     {label}: {kept}\n"));
        }
    }
    out
}

/// `p * d`, as `(x + t)*dx` or `2*t*dx`.
fn term(p: &Poly, names: &[String], d: &str) -> String {
    let text = polynomial(p, names);
    if p.terms.len() == 1 {
        match text.as_str() {
            "1" => d.to_string(),
            "-1" => format!("-{d}"),
            _ => format!("{text}*{d}"),
        }
    } else {
        format!("({text})*{d}")
    }
}

/// Terms joined with ` + ` or ` - `.
fn join_signed(parts: &[String]) -> String {
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        match (i, p.strip_prefix('-')) {
            (0, _) => out.push_str(p),
            (_, Some(rest)) => out.push_str(&format!(" - {rest}")),
            (_, None) => out.push_str(&format!(" + {p}")),
        }
    }
    out
}

/// A polynomial in the coordinates and the field, highest degree first.
pub fn polynomial(p: &Poly, names: &[String]) -> String {
    let mut terms: Vec<(u32, String)> = vec![];
    for (m, lin) in &p.terms {
        let degree: u32 = m.iter().map(|&e| u32::from(e)).sum();
        let factors: Vec<String> = m
            .iter()
            .zip(names)
            .filter(|(e, _)| **e > 0)
            .map(|(e, n)| {
                if *e == 1 {
                    n.clone()
                } else {
                    format!("{n}^{e}")
                }
            })
            .collect();
        let c = lin.constant;
        let text = match (factors.is_empty(), number(c.abs()).as_str()) {
            (true, n) => n.to_string(),
            (false, "1") => factors.join("*"),
            (false, n) => format!("{n}*{}", factors.join("*")),
        };
        terms.push((degree, if c < 0.0 { format!("-{text}") } else { text }));
    }
    terms.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.trim_start_matches('-').cmp(b.1.trim_start_matches('-')))
    });
    let texts: Vec<String> = terms.into_iter().map(|(_, t)| t).collect();
    if texts.is_empty() {
        "0".to_string()
    } else {
        join_signed(&texts)
    }
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{}", (x * 1e9).round() / 1e9)
    }
}
