//! The null space of the determining equations.
//!
//! Input: sparse rows of a homogeneous linear system in `n` unknowns.
//! Output: a basis of its solutions, one vector per free unknown of the
//! reduced row echelon form (that unknown 1, the other free ones 0), with
//! entries within round-off of an integer made integers. Gaussian
//! elimination with partial pivoting in float64; an entry below 1e-9 of the
//! largest is zero.

pub fn null_space(rows: &[Vec<(usize, f64)>], n: usize) -> Vec<Vec<f64>> {
    let mut a: Vec<Vec<f64>> = rows
        .iter()
        .map(|row| {
            let mut dense = vec![0.0; n];
            for &(k, v) in row {
                dense[k] += v;
            }
            dense
        })
        .collect();
    let scale = a.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
    let tiny = 1e-9 * scale.max(1.0);
    let mut pivots: Vec<usize> = vec![];
    let mut r = 0;
    for c in 0..n {
        let Some(p) = (r..a.len())
            .filter(|&i| a[i][c].abs() > tiny)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
        else {
            continue;
        };
        a.swap(r, p);
        let pivot = a[r][c];
        for v in a[r].iter_mut() {
            *v /= pivot;
        }
        let pivot_row = a[r].clone();
        for (i, row) in a.iter_mut().enumerate() {
            if i != r && row[c] != 0.0 {
                let factor = row[c];
                for (v, p) in row.iter_mut().zip(&pivot_row) {
                    *v -= factor * p;
                }
            }
        }
        pivots.push(c);
        r += 1;
        if r == a.len() {
            break;
        }
    }
    (0..n)
        .filter(|c| !pivots.contains(c))
        .map(|free| {
            let mut v = vec![0.0; n];
            v[free] = 1.0;
            for (row, &p) in pivots.iter().enumerate() {
                v[p] = -a[row][free];
            }
            v.iter().map(|&x| clean(x)).collect()
        })
        .collect()
}

/// `x`, or the integer (or zero) it is within round-off of.
fn clean(x: f64) -> f64 {
    let nearest = x.round();
    if (x - nearest).abs() < 1e-9 * x.abs().max(1.0) {
        nearest + 0.0
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plane_has_two_basis_vectors() {
        // x + 2y - z = 0 in three unknowns.
        let basis = null_space(&[vec![(0, 1.0), (1, 2.0), (2, -1.0)]], 3);
        assert_eq!(basis, vec![vec![-2.0, 1.0, 0.0], vec![1.0, 0.0, 1.0]]);
        // Two independent equations in three unknowns: a line.
        let line = null_space(&[vec![(0, 1.0), (1, 1.0)], vec![(1, 1.0), (2, -1.0)]], 3);
        assert_eq!(line, vec![vec![-1.0, 1.0, 1.0]]);
    }
}
