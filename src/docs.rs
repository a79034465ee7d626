//! The guide and the cookbook (`docs/`) as doctests: every Rust block in them is compiled,
//! and run unless marked `no_run`, by `cargo test --doc`. Compiled only for doctests.

/// `docs/guide/01-getting-started.md`
#[doc = include_str!("../docs/guide/01-getting-started.md")]
pub struct GettingStarted;

/// `docs/guide/02-components-and-signals.md`
#[doc = include_str!("../docs/guide/02-components-and-signals.md")]
pub struct ComponentsAndSignals;

/// `docs/guide/03-lists-and-keys.md`
#[doc = include_str!("../docs/guide/03-lists-and-keys.md")]
pub struct ListsAndKeys;

/// `docs/guide/04-routing.md`
#[doc = include_str!("../docs/guide/04-routing.md")]
pub struct Routing;

/// `docs/guide/05-forms.md`
#[doc = include_str!("../docs/guide/05-forms.md")]
pub struct Forms;

/// `docs/guide/06-async-data.md`
#[doc = include_str!("../docs/guide/06-async-data.md")]
pub struct AsyncData;

/// `docs/guide/07-shared-state.md`
#[doc = include_str!("../docs/guide/07-shared-state.md")]
pub struct SharedState;

/// `docs/guide/08-deployment.md`
#[doc = include_str!("../docs/guide/08-deployment.md")]
pub struct Deployment;

/// `docs/guide/09-testing.md`
#[doc = include_str!("../docs/guide/09-testing.md")]
pub struct Testing;

/// `docs/cookbook/auth-redirect.md`
#[doc = include_str!("../docs/cookbook/auth-redirect.md")]
pub struct AuthRedirect;

/// `docs/cookbook/cookie-login.md`
#[doc = include_str!("../docs/cookbook/cookie-login.md")]
pub struct CookieLogin;

/// `docs/cookbook/debounced-search.md`
#[doc = include_str!("../docs/cookbook/debounced-search.md")]
pub struct DebouncedSearch;

/// `docs/cookbook/infinite-list.md`
#[doc = include_str!("../docs/cookbook/infinite-list.md")]
pub struct InfiniteList;

/// `docs/cookbook/optimistic-toggle.md`
#[doc = include_str!("../docs/cookbook/optimistic-toggle.md")]
pub struct OptimisticToggle;

/// `docs/cookbook/sqlite.md`
#[doc = include_str!("../docs/cookbook/sqlite.md")]
pub struct Sqlite;

/// `docs/cookbook/file-upload.md`
#[doc = include_str!("../docs/cookbook/file-upload.md")]
pub struct FileUpload;

/// `docs/cookbook/component-test.md`
#[doc = include_str!("../docs/cookbook/component-test.md")]
pub struct ComponentTest;
