//! The three POSIX calls std does not offer, declared here rather than pulling in a crate:
//! sending SIGTERM to the server, noticing SIGINT/SIGTERM sent to `vango dev`, and (Linux)
//! having the kernel stop the server if `vango dev` dies without cleaning up.

use std::sync::atomic::{AtomicBool, Ordering};

const SIGINT: i32 = 2;
const SIGKILL: i32 = 9;
const SIGTERM: i32 = 15;

extern "C" {
    fn kill(pid: i32, sig: i32) -> i32;
    fn signal(sig: i32, handler: extern "C" fn(i32)) -> usize;
    #[cfg(target_os = "linux")]
    fn prctl(option: i32, arg2: u64, arg3: u64, arg4: u64, arg5: u64) -> i32;
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_stop(_: i32) {
    // Only an atomic store: the one thing a signal handler may safely do here.
    STOP.store(true, Ordering::SeqCst);
}

/// Asks process `pid` to shut down gracefully.
pub fn terminate(pid: u32) {
    // SAFETY: kill(2) with a pid we spawned and still own (not yet waited for).
    unsafe {
        kill(pid as i32, SIGTERM);
    }
}

/// From now on SIGINT and SIGTERM set a flag that [`stop_requested`] reads, instead of
/// killing `vango dev` before it stops its server.
pub fn catch_stop_signals() {
    // SAFETY: the handler is an `extern "C"` fn that only stores to an atomic.
    unsafe {
        signal(SIGINT, on_stop);
        signal(SIGTERM, on_stop);
    }
}

/// Whether SIGINT or SIGTERM arrived since [`catch_stop_signals`].
pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Makes the command's process receive SIGKILL when this one dies (Linux), so a killed
/// `vango dev` never leaves its server holding the port.
pub fn die_with_parent(cmd: &mut std::process::Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        const PR_SET_PDEATHSIG: i32 = 1;
        // SAFETY: runs in the child between fork and exec; prctl is async-signal-safe and
        // touches only the child's own attributes.
        unsafe {
            cmd.pre_exec(|| {
                prctl(PR_SET_PDEATHSIG, SIGKILL as u64, 0, 0, 0);
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (cmd, SIGKILL);
}
