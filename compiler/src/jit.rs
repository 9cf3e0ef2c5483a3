//! Native kernels: IR roots compiled by cranelift into one function that
//! evaluates them at N points.
//!
//! The function is `kernel(inputs, outputs, n)`: `inputs[k]` points to `n`
//! values of leaf `k` (structure of arrays, in the order of
//! [`Kernel::leaves`]), `outputs[r]` to room for `n` values of root `r`.
//! Per point it walks the nodes reachable from the roots in arena order
//! (children first), each node once. Whole powers up to 64 become
//! multiplications by repeated squaring, `^0.5` a square root, `abs` a
//! native instruction; other functions call into Rust's `f64` methods.
//! Functions at other arguments (`u(x + 1, t)`) read a network and are not
//! compiled here.

use crate::ir::eval::{Leaf, leaf_of};
use crate::ir::{ExprId, Func, Graph, Node, Power};
use cranelift_codegen::ir::{
    AbiParam, InstBuilder, MemFlagsData, UserFuncName, Value, condcodes::IntCC, types,
};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module, default_libcall_names};
use std::collections::HashMap;

type KernelFn = unsafe extern "C" fn(*const *const f64, *const *mut f64, u64);

/// A compiled kernel. The machine code lives as long as the kernel.
pub struct Kernel {
    module: Option<JITModule>,
    code: KernelFn,
    leaves: Vec<Leaf>,
    roots: usize,
    clif: String,
}

// SAFETY: after compilation the module is only touched by `drop`; running
// the kernel reads its finished code and the caller's arrays, from any
// thread at once.
unsafe impl Send for Kernel {}
unsafe impl Sync for Kernel {}

impl Drop for Kernel {
    fn drop(&mut self) {
        if let Some(module) = self.module.take() {
            // SAFETY: `code` points into this module and dies with the kernel.
            unsafe { module.free_memory() };
        }
    }
}

macro_rules! externs {
    ($($name:ident = $f:expr;)*) => {
        $(extern "C" fn $name(x: f64) -> f64 { $f(x) })*
        /// The symbol of a function called from kernels.
        fn symbol(f: Func) -> (&'static str, *const u8) {
            match f {
                $(Func::$name => (concat!("physc_", stringify!($name)), $name as *const u8),)*
                Func::Abs => unreachable!("abs is an instruction"),
                f @ (Func::BesselJ(_) | Func::BesselY(_)) => bessel_symbol(f),
            }
        }
    };
}

#[allow(non_snake_case)]
mod math {
    use super::Func;
    externs! {
        Sin = f64::sin;
        Cos = f64::cos;
        Tan = f64::tan;
        Asin = f64::asin;
        Acos = f64::acos;
        Atan = f64::atan;
        Exp = f64::exp;
        Log = f64::ln;
        Sinh = f64::sinh;
        Cosh = f64::cosh;
        Tanh = f64::tanh;
        Sech = |x: f64| 1.0 / x.cosh();
        Erf = crate::ir::erf;
    }
    pub(super) fn func_symbol(f: Func) -> (&'static str, *const u8) {
        symbol(f)
    }

    pub(super) extern "C" fn pow(a: f64, b: f64) -> f64 {
        a.powf(b)
    }

    extern "C" fn bessel_j(n: f64, x: f64) -> f64 {
        crate::ir::bessel::bessel_j(n as i32, x)
    }

    extern "C" fn bessel_y(n: f64, x: f64) -> f64 {
        crate::ir::bessel::bessel_y(n as i32, x)
    }

    /// The symbol of a Bessel function, called with its order as a first
    /// argument.
    pub(super) fn bessel_symbol(f: Func) -> (&'static str, *const u8) {
        match f {
            Func::BesselJ(_) => ("physc_bessel_j", bessel_j as *const u8),
            _ => ("physc_bessel_y", bessel_y as *const u8),
        }
    }
}

impl Kernel {
    /// Compiles `roots` of `g`.
    pub fn compile(g: &Graph, roots: &[ExprId]) -> Result<Kernel, String> {
        let fail = |e: &dyn std::fmt::Display| format!("cranelift: {e}");
        let mut flags = settings::builder();
        flags.set("opt_level", "speed").map_err(|e| fail(&e))?;
        flags.set("is_pic", "false").map_err(|e| fail(&e))?;
        flags
            .set("use_colocated_libcalls", "false")
            .map_err(|e| fail(&e))?;
        let isa = cranelift_native::builder()
            .map_err(|e| fail(&e))?
            .finish(settings::Flags::new(flags))
            .map_err(|e| fail(&e))?;
        let mut builder = JITBuilder::with_isa(isa, default_libcall_names());
        for &f in Func::ALL.iter().filter(|f| **f != Func::Abs) {
            let (name, ptr) = math::func_symbol(f);
            builder.symbol(name, ptr);
        }
        builder.symbol("physc_pow", math::pow as *const u8);
        for f in [Func::BesselJ(0), Func::BesselY(0)] {
            let (name, ptr) = math::bessel_symbol(f);
            builder.symbol(name, ptr);
        }
        let mut module = JITModule::new(builder);

        let pointer = module.target_config().pointer_type();
        let mut signature = module.make_signature();
        for _ in 0..3 {
            signature.params.push(AbiParam::new(pointer));
        }
        let id = module
            .declare_function("kernel", Linkage::Local, &signature)
            .map_err(|e| fail(&e))?;
        let mut ctx = module.make_context();
        ctx.func.signature = signature;
        ctx.func.name = UserFuncName::user(0, id.as_u32());
        let mut fctx = FunctionBuilderContext::new();
        let frontend_config = module.target_config();
        let leaves = {
            let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let leaves = Translator {
                g,
                b: &mut b,
                module: &mut module,
                pointer,
                imported: HashMap::new(),
            }
            .body(roots)?;
            b.seal_all_blocks();
            b.finalize(frontend_config);
            leaves
        };
        let clif = ctx.func.display().to_string();
        module.define_function(id, &mut ctx).map_err(|e| fail(&e))?;
        module.clear_context(&mut ctx);
        module.finalize_definitions().map_err(|e| fail(&e))?;
        let ptr = module.get_finalized_function(id);
        // SAFETY: the function was built with exactly this signature.
        let code = unsafe { std::mem::transmute::<*const u8, KernelFn>(ptr) };
        Ok(Kernel {
            module: Some(module),
            code,
            leaves,
            roots: roots.len(),
            clif,
        })
    }

    /// The inputs, in order.
    pub fn leaves(&self) -> &[Leaf] {
        &self.leaves
    }

    /// The function in cranelift's text form, as compiled.
    pub fn clif(&self) -> &str {
        &self.clif
    }

    /// Evaluates every root at `n` points: `inputs[k]` holds leaf `k`,
    /// `outputs[r]` receives root `r`. Panics if a slice is shorter than `n`
    /// or the counts differ from the kernel's.
    pub fn run(&self, inputs: &[&[f64]], outputs: &mut [&mut [f64]], n: usize) {
        assert_eq!(inputs.len(), self.leaves.len(), "one input per leaf");
        assert_eq!(outputs.len(), self.roots, "one output per root");
        assert!(
            inputs.iter().all(|i| i.len() >= n) && outputs.iter().all(|o| o.len() >= n),
            "arrays of n values"
        );
        let ins: Vec<*const f64> = inputs.iter().map(|i| i.as_ptr()).collect();
        let outs: Vec<*mut f64> = outputs.iter_mut().map(|o| o.as_mut_ptr()).collect();
        // SAFETY: every array holds at least n values, checked above.
        unsafe { (self.code)(ins.as_ptr(), outs.as_ptr(), n as u64) }
    }

    /// Evaluates at `n` points, asking `leaf(l, i)` for the value of leaf
    /// `l` at point `i`; returns the roots' values per point.
    pub fn eval_with(&self, n: usize, leaf: impl Fn(&Leaf, usize) -> f64) -> Vec<Vec<f64>> {
        let inputs: Vec<Vec<f64>> = self
            .leaves
            .iter()
            .map(|l| (0..n).map(|i| leaf(l, i)).collect())
            .collect();
        let mut outputs = vec![vec![0.0; n]; self.roots];
        let ins: Vec<&[f64]> = inputs.iter().map(Vec::as_slice).collect();
        let mut outs: Vec<&mut [f64]> = outputs.iter_mut().map(Vec::as_mut_slice).collect();
        self.run(&ins, &mut outs, n);
        (0..n)
            .map(|i| outputs.iter().map(|o| o[i]).collect())
            .collect()
    }
}

struct Translator<'a, 'b> {
    g: &'a Graph,
    b: &'a mut FunctionBuilder<'b>,
    module: &'a mut JITModule,
    pointer: types::Type,
    imported: HashMap<&'static str, cranelift_codegen::ir::FuncRef>,
}

impl Translator<'_, '_> {
    /// Emits the loop over points; returns the leaves in input order.
    fn body(mut self, roots: &[ExprId]) -> Result<Vec<Leaf>, String> {
        let order = self.g.reachable(roots);
        let mut leaves: Vec<Leaf> = vec![];
        let mut leaf_index: HashMap<ExprId, usize> = HashMap::new();
        for &id in &order {
            if let Some(leaf) = leaf_of(self.g.node(id)) {
                leaf_index.insert(id, leaves.len());
                leaves.push(leaf);
            } else if let Node::Apply { .. } = self.g.node(id) {
                // The network at other arguments: an input the runtime
                // computes, like a field at the point.
                leaf_index.insert(id, leaves.len());
                leaves.push(Leaf::Apply(id));
            }
        }
        let flags = MemFlagsData::trusted();
        let entry = self.b.create_block();
        let header = self.b.create_block();
        let body = self.b.create_block();
        let exit = self.b.create_block();
        self.b.append_block_params_for_function_params(entry);
        self.b.switch_to_block(entry);
        let (inputs, outputs, n) = {
            let p = self.b.block_params(entry);
            (p[0], p[1], p[2])
        };
        let leaf_ptrs: Vec<Value> = (0..leaves.len())
            .map(|k| self.b.ins().load(self.pointer, flags, inputs, 8 * k as i32))
            .collect();
        let out_ptrs: Vec<Value> = (0..roots.len())
            .map(|r| {
                self.b
                    .ins()
                    .load(self.pointer, flags, outputs, 8 * r as i32)
            })
            .collect();
        let zero = self.b.ins().iconst(self.pointer, 0);
        self.b.ins().jump(header, &[zero.into()]);

        self.b.append_block_param(header, self.pointer);
        self.b.switch_to_block(header);
        let i = self.b.block_params(header)[0];
        let more = self.b.ins().icmp(IntCC::UnsignedLessThan, i, n);
        self.b.ins().brif(more, body, &[], exit, &[]);

        self.b.switch_to_block(body);
        let offset = self.b.ins().ishl_imm_u(i, 3);
        let mut values: HashMap<ExprId, Value> = HashMap::new();
        for &id in &order {
            let v = match self.g.node(id) {
                Node::Num(bits) => self.b.ins().f64const(f64::from_bits(*bits)),
                Node::Add(xs) => self.fold(xs, &values, true),
                Node::Mul(xs) => self.fold(xs, &values, false),
                Node::Pow(a, e) => self.pow(values[a], values[e], self.g.as_num(*e)),
                Node::Call(Func::Abs, a) => self.b.ins().fabs(values[a]),
                Node::Call(f @ (Func::BesselJ(n) | Func::BesselY(n)), a) => {
                    let name = math::bessel_symbol(*f).0;
                    let order = self.b.ins().f64const(f64::from(*n));
                    self.call(name, &[order, values[a]])
                }
                Node::Call(f, a) => {
                    let (name, _) = math::func_symbol(*f);
                    self.call(name, &[values[a]])
                }
                _ => {
                    let address = self.b.ins().iadd(leaf_ptrs[leaf_index[&id]], offset);
                    self.b.ins().load(types::F64, flags, address, 0)
                }
            };
            values.insert(id, v);
        }
        for (r, root) in roots.iter().enumerate() {
            let address = self.b.ins().iadd(out_ptrs[r], offset);
            self.b.ins().store(flags, values[root], address, 0);
        }
        let next = self.b.ins().iadd_imm_u(i, 1);
        self.b.ins().jump(header, &[next.into()]);

        self.b.switch_to_block(exit);
        self.b.ins().return_(&[]);
        Ok(leaves)
    }

    fn fold(&mut self, xs: &[ExprId], values: &HashMap<ExprId, Value>, add: bool) -> Value {
        let mut acc = values[&xs[0]];
        for x in &xs[1..] {
            acc = if add {
                self.b.ins().fadd(acc, values[x])
            } else {
                self.b.ins().fmul(acc, values[x])
            };
        }
        acc
    }

    /// `a^e` as [`Power`] says: repeated squaring for whole exponents,
    /// `sqrt` for halves.
    fn pow(&mut self, a: Value, e: Value, constant: Option<f64>) -> Value {
        match constant.map(Power::of) {
            Some(Power::Whole(k)) => {
                let mut n = k.unsigned_abs();
                let mut result: Option<Value> = None;
                let mut base = a;
                while n > 0 {
                    if n & 1 == 1 {
                        result = Some(match result {
                            None => base,
                            Some(r) => self.b.ins().fmul(r, base),
                        });
                    }
                    n >>= 1;
                    if n > 0 {
                        base = self.b.ins().fmul(base, base);
                    }
                }
                let positive = result.unwrap_or_else(|| self.b.ins().f64const(1.0));
                if k < 0 {
                    let one = self.b.ins().f64const(1.0);
                    self.b.ins().fdiv(one, positive)
                } else {
                    positive
                }
            }
            Some(Power::Sqrt) => self.b.ins().sqrt(a),
            Some(Power::RecipSqrt) => {
                let root = self.b.ins().sqrt(a);
                let one = self.b.ins().f64const(1.0);
                self.b.ins().fdiv(one, root)
            }
            _ => self.call("physc_pow", &[a, e]),
        }
    }

    fn call(&mut self, name: &'static str, args: &[Value]) -> Value {
        let func = match self.imported.get(name) {
            Some(f) => *f,
            None => {
                let mut sig = self.module.make_signature();
                for _ in args {
                    sig.params.push(AbiParam::new(types::F64));
                }
                sig.returns.push(AbiParam::new(types::F64));
                let id = self
                    .module
                    .declare_function(name, Linkage::Import, &sig)
                    .expect("a fresh import");
                let f = self.module.declare_func_in_func(id, self.b.func);
                self.imported.insert(name, f);
                f
            }
        };
        let call = self.b.ins().call(func, args);
        self.b.inst_results(call)[0]
    }
}
