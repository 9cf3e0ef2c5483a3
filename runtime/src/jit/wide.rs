//! Elementwise loops built twice: for baseline x86-64 (128-bit SSE2, what
//! a portable build targets) and with AVX2 (256-bit), the second chosen at
//! run time where the CPU has it. The matrix products choose their own
//! kernels the same way (the `gemm` crate); this does it for the
//! activations and the jets' Faà di Bruno sums.
//!
//! `wide!` wraps a function body: `wide!(fn name<T: Real>(args) { body })`
//! defines `name`, which runs `body` compiled with AVX2 when the CPU has
//! it and as is otherwise. Bodies must be safe code; the attribute only
//! changes how they are compiled.

/// Whether the CPU has AVX2 (checked once; the standard library caches it).
#[cfg(target_arch = "x86_64")]
#[inline]
pub fn avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

macro_rules! wide {
    (
        $(#[$meta:meta])*
        $vis:vis fn $name:ident $(<$($gen:ident: $bound:path),*>)? ($($arg:ident: $ty:ty),* $(,)?) $body:block
    ) => {
        $(#[$meta])*
        $vis fn $name $(<$($gen: $bound),*>)? ($($arg: $ty),*) {
            #[inline(always)]
            fn body $(<$($gen: $bound),*>)? ($($arg: $ty),*) $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                fn avx2 $(<$($gen: $bound),*>)? ($($arg: $ty),*) {
                    body($($arg),*)
                }
                if $crate::jit::wide::avx2() {
                    // SAFETY: the CPU has AVX2, checked just above.
                    return unsafe { avx2($($arg),*) };
                }
            }
            body($($arg),*)
        }
    };
}

pub(crate) use wide;
