//! Hands freed heap memory back to the OS after a burst (glibc keeps it otherwise: the
//! RSS of a process that held many sessions stays at its peak after they are gone).
//!
//! Calls glibc's `malloc_trim` (one `unsafe` block, allowed by `tests/layers.rs`); a no-op
//! with another C library or OS.

#![allow(unsafe_code)]

/// Returns free heap memory to the OS where the allocator keeps it (glibc); `false` when
/// there was nothing to return or the platform has no such call.
///
/// Costs a walk of the allocator's free lists (milliseconds after a large burst): call it
/// after many sessions were dropped, not per session.
///
/// # Examples
///
/// ```
/// let big: Vec<Vec<u8>> = (0..64).map(|_| vec![1u8; 64 * 1024]).collect();
/// drop(big);
/// let _ = vango::server::trim::release_to_os();
/// ```
pub fn release_to_os() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: glibc's `malloc_trim` takes a byte count, touches only the allocator's
        // own state under its own locks, and is safe to call from any thread at any time.
        unsafe { malloc_trim(0) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}
