//! Context: values provided by an owner and found by anything created below it.
//! Touches only the runtime's owner tree.

use std::any::{Any, TypeId};
use std::rc::Rc;

use super::runtime::with_rt;

/// Makes `value` available to [`use_context`] calls made under the current owner (and
/// its descendants). Replaces a value of the same type provided by the same owner. With
/// no current owner the value is dropped.
///
/// # Examples
///
/// ```
/// use vango::reactive::{provide_context, use_context, Owner};
/// #[derive(Clone, PartialEq, Debug)]
/// struct Theme(&'static str);
/// let page = Owner::new();
/// page.with(|| {
///     provide_context(Theme("dark"));
///     let widget = Owner::new();
///     widget.with(|| assert_eq!(use_context::<Theme>(), Some(Theme("dark"))));
/// });
/// assert_eq!(use_context::<Theme>(), None);
/// ```
pub fn provide_context<T: 'static>(value: T) {
    with_rt(|rt| {
        let Some(owner) = rt.owner.get() else { return };
        let v: Rc<dyn Any> = Rc::new(value);
        let old = {
            let mut a = rt.arena.borrow_mut();
            let Some(s) = a.get_mut(owner) else { return };
            let ctx = s.context.get_or_insert_with(Default::default);
            match ctx.iter_mut().find(|(t, _)| *t == TypeId::of::<T>()) {
                Some((_, slot)) => Some(std::mem::replace(slot, v)),
                None => {
                    ctx.push((TypeId::of::<T>(), v));
                    None
                }
            }
        };
        drop(old);
    })
}

/// The nearest value of type `T` provided by the current owner or one of its ancestors.
///
/// # Examples
///
/// ```
/// use vango::reactive::{provide_context, use_context, Owner};
/// #[derive(Clone, Debug, PartialEq)]
/// struct User { name: String }
/// Owner::new().with(|| {
///     provide_context(User { name: "ada".into() });
///     let child = Owner::new();
///     let user: Option<User> = child.with(use_context);
///     assert_eq!(user.map(|u| u.name).as_deref(), Some("ada"));
/// });
/// ```
pub fn use_context<T: Clone + 'static>() -> Option<T> {
    with_context(T::clone)
}

/// Like [`use_context`] but by reference, for values that are not `Clone`.
///
/// # Examples
///
/// ```
/// use vango::reactive::{provide_context, with_context, Owner};
/// // Not `Clone`: read it in place.
/// struct Db { rows: Vec<u32> }
/// Owner::new().with(|| {
///     provide_context(Db { rows: vec![1, 2, 3] });
///     assert_eq!(with_context(|db: &Db| db.rows.len()), Some(3));
///     assert_eq!(with_context(|s: &String| s.len()), None, "nothing of that type");
/// });
/// ```
pub fn with_context<T: 'static, R>(f: impl FnOnce(&T) -> R) -> Option<R> {
    let v = with_rt(|rt| {
        let a = rt.arena.borrow();
        let mut cur = rt.owner.get();
        while let Some(id) = cur {
            let s = a.get(id)?;
            if let Some(ctx) = &s.context {
                if let Some((_, v)) = ctx.iter().find(|(t, _)| *t == TypeId::of::<T>()) {
                    return Some(v.clone());
                }
            }
            cur = s.parent();
        }
        None
    })?;
    v.downcast_ref::<T>().map(f)
}
