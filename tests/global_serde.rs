//! `GlobalSignal::persisted_serde` (the `serde` feature): a struct survives a restart, is
//! saved as JSON a person can read, and a file that does not decode is kept aside.
#![cfg(feature = "serde")]

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use vango::features::bus::Bus;
use vango::features::global::GlobalSignal;
use vango::features::persist::{FileStore, Store};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Board {
    title: String,
    cards: Vec<(u32, String)>,
    archived: Option<bool>,
}

fn empty() -> Board {
    Board {
        title: "todo".into(),
        cards: vec![],
        archived: None,
    }
}

#[test]
fn a_struct_survives_a_restart_as_json() {
    let dir = std::env::temp_dir().join(format!("vango-gserde-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = Arc::new(FileStore::open(&dir).unwrap());
    let board =
        GlobalSignal::persisted_serde(&Bus::new(), store.clone(), "board", empty()).unwrap();
    board.update(|b| {
        b.cards.push((1, "ship \"it\"\n".into()));
        b.archived = Some(false);
    });
    board.flush().unwrap();
    let saved = String::from_utf8(store.load("board").unwrap().unwrap()).unwrap();
    assert!(
        saved.starts_with('{') && saved.contains(r#""title":"todo""#),
        "{saved}"
    );
    let again =
        GlobalSignal::persisted_serde(&Bus::new(), store.clone(), "board", empty()).unwrap();
    assert_eq!(again.get_untracked(), board.get_untracked());

    // A file that is not a Board: kept aside, the global starts from the initial value.
    store.save("board", b"{\"title\": 7}").unwrap();
    let fresh = GlobalSignal::persisted_serde(&Bus::new(), store, "board", empty()).unwrap();
    assert_eq!(fresh.get_untracked(), empty());
    let aside = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("board.corrupt-")
        });
    assert!(aside, "the undecodable file is kept");
    std::fs::remove_dir_all(&dir).unwrap();
}
