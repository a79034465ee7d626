//! Persisted [`GlobalSignal`]s: constructors that load a value from a store and save every
//! write on a background thread, and their flush. Touches `features::persist` and the
//! process-wide flusher list of `global.rs`.

use super::*;

impl<T: Persist + Clone + Send + Sync + 'static> GlobalSignal<T> {
    /// A global whose value survives restarts: it starts from the value saved in `store`
    /// under `key` (or `initial` if there is none or it does not decode), and every
    /// [`set`](Self::set)/[`update`](Self::update) is saved by one background thread of
    /// its own, which coalesces bursts (it always saves the latest value), so writers
    /// never wait for the disk. Writes made directly through [`slot`](Self::slot) are
    /// saved at the next write or [`flush`](Self::flush).
    ///
    /// Errors: `store` failed to load (an invalid key, an unreadable file), or the
    /// saver thread could not be spawned.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use vango::features::{bus::Bus, global::GlobalSignal, persist::FileStore};
    /// let dir = std::env::temp_dir().join(format!("vango-gp-doc-{}", std::process::id()));
    /// let store = Arc::new(FileStore::open(&dir)?);
    /// let visits = GlobalSignal::persisted(&Bus::new(), store.clone(), "visits", 0u64)?;
    /// visits.update(|n| *n += 1);
    /// visits.flush()?;
    /// // After a restart: a new bus, the same store.
    /// let again = GlobalSignal::persisted(&Bus::new(), store, "visits", 0u64)?;
    /// assert_eq!(again.get_untracked(), 1);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn persisted(
        bus: &Bus,
        store: Arc<dyn Store + Send + Sync>,
        key: &str,
        initial: T,
    ) -> io::Result<GlobalSignal<T>> {
        Self::persisted_with(bus, store, key, initial, T::to_bytes, T::from_bytes)
    }
}

#[cfg(feature = "serde")]
impl<T> GlobalSignal<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
{
    /// Like [`persisted`](Self::persisted), for any serde type, saved as JSON (a file a
    /// person can read and mend; one that does not decode is kept aside, never
    /// overwritten). With the `serde` feature.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use vango::features::{bus::Bus, global::GlobalSignal, persist::FileStore};
    /// #[derive(Clone, serde::Serialize, serde::Deserialize)]
    /// struct Board { title: String, cards: Vec<(u32, String)> }
    /// let dir = std::env::temp_dir().join(format!("vango-gs-doc-{}", std::process::id()));
    /// let store = Arc::new(FileStore::open(&dir)?);
    /// let empty = Board { title: "todo".into(), cards: vec![] };
    /// let board = GlobalSignal::persisted_serde(&Bus::new(), store.clone(), "board", empty.clone())?;
    /// board.update(|b| b.cards.push((1, "ship".into())));
    /// board.flush()?;
    /// let again = GlobalSignal::persisted_serde(&Bus::new(), store, "board", empty)?;
    /// assert_eq!(again.get_untracked().cards, [(1, "ship".to_string())]);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn persisted_serde(
        bus: &Bus,
        store: Arc<dyn Store + Send + Sync>,
        key: &str,
        initial: T,
    ) -> io::Result<GlobalSignal<T>> {
        Self::persisted_with(
            bus,
            store,
            key,
            initial,
            |v: &T| serde_json::to_vec(v).unwrap_or_default(),
            |b: &[u8]| serde_json::from_slice(b).ok(),
        )
    }
}

impl<T: Clone + Send + Sync + 'static> GlobalSignal<T> {
    /// Like [`persisted`](Self::persisted), with the encoding given: `encode` turns a
    /// value into the bytes saved, `decode` reads them back (`None`: not a valid
    /// encoding; the file is then kept aside and the global starts from `initial`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use vango::features::{bus::Bus, global::GlobalSignal, persist::{FileStore, Store}};
    /// let dir = std::env::temp_dir().join(format!("vango-gw-doc-{}", std::process::id()));
    /// let store = Arc::new(FileStore::open(&dir)?);
    /// let csv = |v: &Vec<u8>| v.iter().map(u8::to_string).collect::<Vec<_>>().join(",").into_bytes();
    /// let parse = |b: &[u8]| std::str::from_utf8(b).ok()?.split(',').map(|n| n.parse().ok()).collect();
    /// let g = GlobalSignal::persisted_with(&Bus::new(), store.clone(), "v", vec![], csv, parse)?;
    /// g.set(vec![1u8, 2]);
    /// g.flush()?;
    /// assert_eq!(store.load("v")?.as_deref(), Some(&b"1,2"[..]));
    /// let again = GlobalSignal::persisted_with(&Bus::new(), store, "v", vec![], csv, parse)?;
    /// assert_eq!(again.get_untracked(), [1, 2]);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn persisted_with(
        bus: &Bus,
        store: Arc<dyn Store + Send + Sync>,
        key: &str,
        initial: T,
        encode: fn(&T) -> Vec<u8>,
        decode: fn(&[u8]) -> Option<T>,
    ) -> io::Result<GlobalSignal<T>> {
        let start = match store.load(key)? {
            None => initial,
            Some(bytes) => match decode(&bytes) {
                Some(v) => v,
                None => {
                    // Never overwrite what could not be read: keep it for a person.
                    let aside = store.set_aside(key)?;
                    log::error!(
                        "the persisted value {key:?} ({} bytes) does not decode as {}; \
                         kept aside as {aside:?}, starting from the initial value",
                        bytes.len(),
                        std::any::type_name::<T>()
                    );
                    initial
                }
            },
        };
        let slot = bus.slot(start);
        let reader = slot.clone();
        let saver = Saver::spawn(
            store,
            key.to_owned(),
            Box::new(move || {
                let (version, value) = reader.snapshot_any();
                (version, encode(typed::<T>(&value)))
            }),
        )?;
        let flushed = slot.clone();
        lock_flushers().push(Box::new(move || saver.flush(flushed.version())));
        let mut global = GlobalSignal::from_slot(slot);
        global.saver = Some(saver);
        Ok(global)
    }

    /// Blocks until the latest value (as of this call) is saved; returns the error of that
    /// save if it failed. A no-op for a global that is not persisted. The app calls
    /// [`flush_persisted`] for every persisted global when it shuts down (SIGTERM).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use vango::features::{bus::Bus, global::GlobalSignal, persist::{FileStore, Store}};
    /// let dir = std::env::temp_dir().join(format!("vango-gf-doc-{}", std::process::id()));
    /// let store = Arc::new(FileStore::open(&dir)?);
    /// let hits = GlobalSignal::persisted(&Bus::new(), store.clone(), "hits", 0u64)?;
    /// hits.set(42);
    /// hits.flush()?; // on disk once this returns
    /// assert!(store.load("hits")?.is_some());
    /// assert!(GlobalSignal::new(&Bus::new(), 0u8).flush().is_ok(), "not persisted: a no-op");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn flush(&self) -> io::Result<()> {
        match self.saver {
            Some(saver) => saver.flush(self.slot.version()),
            None => Ok(()),
        }
    }
}
