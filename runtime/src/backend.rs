//! Where training runs: burn's flex backend on the CPU, or burn-wgpu on a
//! GPU (built with the `wgpu` cargo feature).
//!
//! Input: the backend and precision asked for, and the model's seed.
//! Output: an autodiff device set to that precision, or a message saying
//! why there is none: a build without wgpu, no graphics adapter, an adapter
//! without float64. Never a panic: burn-wgpu panics when it finds no
//! adapter, and that panic becomes the message.

use burn::tensor::{Device, FloatDType};

/// The float type of training.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    F32,
    F64,
}

impl Precision {
    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "float32",
            Precision::F64 => "float64",
        }
    }

    fn dtype(self) -> FloatDType {
        match self {
            Precision::F32 => FloatDType::F32,
            Precision::F64 => FloatDType::F64,
        }
    }
}

/// The device family a run trains on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Backend {
    /// burn's flex backend: SIMD kernels, threads for large tensors.
    #[default]
    Cpu,
    /// The loss program compiled to native code ([`crate::jit`]); the
    /// optimisers' parameters live on burn's CPU device.
    Jit,
    /// burn-wgpu: Vulkan, Metal or DirectX, whichever the machine has.
    Wgpu,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Cpu => "cpu",
            Backend::Jit => "jit",
            Backend::Wgpu => "wgpu",
        }
    }

    /// float64 on the CPU; float32 on a GPU, where float64 is slow or
    /// missing (WGSL has no f64 at all).
    pub fn default_precision(self) -> Precision {
        match self {
            Backend::Cpu | Backend::Jit => Precision::F64,
            Backend::Wgpu => Precision::F32,
        }
    }

    /// Whether this build of physc has the backend.
    pub fn compiled(self) -> bool {
        match self {
            Backend::Cpu | Backend::Jit => true,
            Backend::Wgpu => cfg!(feature = "wgpu"),
        }
    }
}

/// The autodiff device of `backend` in `precision`, its random generator
/// seeded with `seed`. A process sets a device's precision once: a second
/// run in the same process must ask for the same one.
pub fn device(backend: Backend, seed: u64, precision: Precision) -> Result<Device, String> {
    let mut device = match backend {
        Backend::Cpu | Backend::Jit => Device::flex(),
        Backend::Wgpu => wgpu_device()?,
    };
    let dtype = precision.dtype();
    let configured = without_panics(|| device.configure(dtype))
        .map_err(|panic| format!("the {} device cannot start: {panic}", backend.name()))?;
    if let Err(e) = configured
        && device.settings().float_dtype != dtype
    {
        return Err(format!(
            "the {} device cannot train in {}: {e}",
            backend.name(),
            precision.name()
        ));
    }
    device.seed(seed);
    Ok(device.autodiff())
}

/// The CPU device: [`device`] with [`Backend::Cpu`].
pub fn cpu_device(seed: u64, precision: Precision) -> Result<Device, String> {
    device(Backend::Cpu, seed, precision)
}

#[cfg(feature = "wgpu")]
fn wgpu_device() -> Result<Device, String> {
    Ok(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice))
}

#[cfg(not(feature = "wgpu"))]
fn wgpu_device() -> Result<Device, String> {
    Err("this physc was built without the GPU back end: \
         build it with `cargo build --release --features wgpu`"
        .to_string())
}

/// Runs `f`, turning a panic into its message (and keeping the default
/// hook from printing it). A panic on another thread while `f` runs (the
/// GPU runtime's, when it finds no adapter) is the more telling message:
/// it comes first.
fn without_panics<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let hook = std::panic::take_hook();
    {
        let seen = seen.clone();
        std::panic::set_hook(Box::new(move |info| {
            if let Ok(mut seen) = seen.lock() {
                seen.push(message(info.payload()));
            }
        }));
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    result.map_err(|payload| {
        let first = seen.lock().ok().and_then(|seen| seen.first().cloned());
        first.unwrap_or_else(|| message(&*payload))
    })
}

fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "an unexplained failure".to_string())
}
