//! [`FormSpec`]: a form's fields bound to a struct (a get/set lens per field, its text
//! conversion and validators), its form arrays, and its checks of a submitted [`Form`]
//! (the plain-HTTP POST path: the same validators a live form runs).
//!
//! Touches the validators and the live layer's `Form`/`FormReply`.

mod post;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use super::validate::{first_error, Validator};
use crate::live::form::{Form, FormReply};

/// Errors by field name (`"email"`, or `"phones[2]"` for a row of a form array).
///
/// # Examples
///
/// ```
/// use vango::live::use_form::FieldErrors;
///
/// let errors: FieldErrors = vec![("email".into(), "already registered".into())];
/// assert_eq!(errors[0].0, "email");
/// ```
pub type FieldErrors = Vec<(String, String)>;

/// The most rows a form array keeps: more submitted rows are refused, adding one at the
/// cap does nothing (a client cannot grow a session's memory without bound).
///
/// # Examples
///
/// ```
/// use vango::live::use_form::MAX_ROWS;
///
/// // A POSTed form array longer than this is refused with an error on the array.
/// assert_eq!(MAX_ROWS, 100);
/// ```
pub const MAX_ROWS: usize = 100;

/// The hidden field naming a row operation of a no-JavaScript form (`add:phones`,
/// `remove:phones:1`, `up:phones:2`, `down:phones:0`), sent by the row buttons.
///
/// # Examples
///
/// ```
/// use vango::live::use_form::ROW_FIELD;
///
/// assert_eq!(ROW_FIELD, "_row");
/// ```
pub const ROW_FIELD: &str = "_row";

/// A field type a form can bind: converted to the text an `<input>` holds and back.
///
/// # Examples
///
/// ```
/// use vango::live::use_form::FieldValue;
/// assert_eq!(u8::from_text(" 42 "), Ok(42));
/// assert!(u8::from_text("lots").is_err());
/// assert_eq!(Option::<u8>::from_text(""), Ok(None));
/// assert_eq!(true.to_text(), "on");
/// ```
pub trait FieldValue: Sized + 'static {
    /// The text an input shows for this value.
    fn to_text(&self) -> String;
    /// The value of an input's text, or the error the field shows.
    fn from_text(text: &str) -> Result<Self, String>;
}

impl FieldValue for String {
    fn to_text(&self) -> String {
        self.clone()
    }
    fn from_text(text: &str) -> Result<Self, String> {
        Ok(text.to_owned())
    }
}

impl FieldValue for bool {
    fn to_text(&self) -> String {
        if *self { "on" } else { "" }.into()
    }
    fn from_text(text: &str) -> Result<Self, String> {
        Ok(!text.is_empty() && text != "false" && text != "off")
    }
}

impl<V: FieldValue> FieldValue for Option<V> {
    fn to_text(&self) -> String {
        self.as_ref().map(V::to_text).unwrap_or_default()
    }
    fn from_text(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            Ok(None)
        } else {
            V::from_text(text).map(Some)
        }
    }
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl FieldValue for $t {
            fn to_text(&self) -> String {
                self.to_string()
            }
            fn from_text(text: &str) -> Result<Self, String> {
                text.trim().parse().map_err(|_| "a number".to_string())
            }
        }
    )*};
}
numbers!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f32, f64);

pub(crate) type Check = Rc<dyn Fn(String) -> Pin<Box<dyn Future<Output = Result<(), String>>>>>;

type GetText<T> = Box<dyn Fn(&T) -> String>;
type SetText<T> = Box<dyn Fn(&mut T, &str) -> Result<(), String>>;
type GetRows<T> = Box<dyn Fn(&T) -> Vec<String>>;
/// Sets the rows, or says which row's text did not convert and why.
type SetRows<T> = Box<dyn Fn(&mut T, &[String]) -> Result<(), (usize, String)>>;

pub(crate) struct FieldDef<T> {
    pub(crate) name: &'static str,
    pub(crate) get: GetText<T>,
    pub(crate) set: SetText<T>,
    pub(crate) validators: Vec<Validator>,
    pub(crate) check: Option<Check>,
}

pub(crate) struct ArrayDef<T> {
    pub(crate) name: &'static str,
    pub(crate) get: GetRows<T>,
    pub(crate) set: SetRows<T>,
    pub(crate) validators: Vec<Validator>,
}

/// The texts of a form's fields, in the spec's order.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Values {
    pub(crate) fields: Vec<String>,
    pub(crate) arrays: Vec<Vec<String>>,
}

/// A form's fields bound to the struct `T`: each one a name, a lens into `T` (one closure
/// gives both get and set), and validators; form arrays bind a `Vec` field to repeated
/// rows named `name[0]`, `name[1]`, ...
///
/// Build it in a function and call that both in the page (for [`use_form`](super::use_form))
/// and in the form handler ([`FormSpec::handle`]): the same validators check a live form
/// as the user types and a plain-HTTP POST.
///
/// # Examples
///
/// ```
/// use vango::live::form::Form;
/// use vango::live::use_form::{email, min_len, range, required, FormSpec};
///
/// #[derive(Clone, Debug, Default, PartialEq)]
/// struct Signup { name: String, email: String, age: u32, phones: Vec<String> }
///
/// fn spec() -> FormSpec<Signup> {
///     FormSpec::new()
///         .field("name", |s: &mut Signup| &mut s.name, [required(), min_len(3)])
///         .field("email", |s: &mut Signup| &mut s.email, [required(), email()])
///         .field("age", |s: &mut Signup| &mut s.age, [range(13.0, 130.0)])
///         .array("phones", |s: &mut Signup| &mut s.phones, [required()])
/// }
///
/// let posted = |pairs: &[(&str, &str)]| {
///     Form::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
/// };
/// let ok = spec().parse(&posted(&[
///     ("name", "Ada"), ("email", "ada@example.com"), ("age", "36"), ("phones[0]", "555"),
/// ]));
/// assert_eq!(ok.unwrap().phones, vec!["555".to_string()]);
/// let bad = spec().parse(&posted(&[("name", "Al"), ("email", "x"), ("age", "7")]));
/// let errors = bad.unwrap_err();
/// assert_eq!(errors[0], ("name".to_string(), "at least 3 characters".to_string()));
/// assert_eq!(errors.len(), 3);
/// ```
pub struct FormSpec<T> {
    pub(crate) fields: Vec<FieldDef<T>>,
    pub(crate) arrays: Vec<ArrayDef<T>>,
}

impl<T: Clone + Default + 'static> Default for FormSpec<T> {
    fn default() -> Self {
        FormSpec::new()
    }
}

impl<T: Clone + Default + 'static> FormSpec<T> {
    /// A form with no fields yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::form::Form;
    /// use vango::live::use_form::{required, FormSpec};
    ///
    /// #[derive(Clone, Debug, Default, PartialEq)]
    /// struct Note { text: String }
    /// let spec = FormSpec::new().field("text", |n: &mut Note| &mut n.text, [required()]);
    /// assert_eq!(spec.parse(&Form::new(vec![("text".into(), "hi".into())])), Ok(Note { text: "hi".into() }));
    /// ```
    pub fn new() -> FormSpec<T> {
        FormSpec {
            fields: Vec::new(),
            arrays: Vec::new(),
        }
    }

    /// Binds the field `name` (the input's `name`) to what `lens` points at in `T`.
    ///
    /// # Panics
    ///
    /// When `name` is already bound, or contains `[` (row names are the arrays').
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::form::Form;
    /// use vango::live::use_form::{range, required, FormSpec};
    ///
    /// #[derive(Clone, Debug, Default, PartialEq)]
    /// struct Item { name: String, qty: u32, note: Option<String> }
    /// let spec = FormSpec::new()
    ///     .field("name", |i: &mut Item| &mut i.name, [required()])
    ///     .field("qty", |i: &mut Item| &mut i.qty, [range(1.0, 99.0)])
    ///     .field("note", |i: &mut Item| &mut i.note, []);
    /// let form = Form::new(vec![("name".into(), "tea".into()), ("qty".into(), "2".into()), ("note".into(), "".into())]);
    /// assert_eq!(spec.parse(&form), Ok(Item { name: "tea".into(), qty: 2, note: None }));
    /// ```
    pub fn field<V: FieldValue>(
        mut self,
        name: &'static str,
        lens: impl Fn(&mut T) -> &mut V + 'static,
        validators: impl IntoIterator<Item = Validator>,
    ) -> Self {
        self.check_name(name);
        let lens = Rc::new(lens);
        let get_lens = lens.clone();
        self.fields.push(FieldDef {
            name,
            get: Box::new(move |t| get_lens(&mut t.clone()).to_text()),
            set: Box::new(move |t, text| {
                *lens(t) = V::from_text(text)?;
                Ok(())
            }),
            validators: validators.into_iter().collect(),
            check: None,
        });
        self
    }

    /// Binds the form array `name` (rows named `name[0]`, `name[1]`, ...) to the `Vec`
    /// that `lens` points at; `validators` check each row.
    ///
    /// # Panics
    ///
    /// When `name` is already bound, or contains `[`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::form::Form;
    /// use vango::live::use_form::{required, FormSpec};
    ///
    /// #[derive(Clone, Debug, Default, PartialEq)]
    /// struct Contact { phones: Vec<String> }
    /// let spec = FormSpec::new().array("phones", |c: &mut Contact| &mut c.phones, [required()]);
    /// let form = Form::new(vec![("phones[0]".into(), "555 1234".into()), ("phones[1]".into(), "555 9876".into())]);
    /// assert_eq!(spec.parse(&form).unwrap().phones.len(), 2);
    /// ```
    pub fn array<V: FieldValue>(
        mut self,
        name: &'static str,
        lens: impl Fn(&mut T) -> &mut Vec<V> + 'static,
        validators: impl IntoIterator<Item = Validator>,
    ) -> Self {
        self.check_name(name);
        let lens = Rc::new(lens);
        let get_lens = lens.clone();
        self.arrays.push(ArrayDef {
            name,
            get: Box::new(move |t| get_lens(&mut t.clone()).iter().map(V::to_text).collect()),
            set: Box::new(move |t, rows| {
                let mut out = Vec::with_capacity(rows.len());
                for (i, text) in rows.iter().enumerate() {
                    out.push(V::from_text(text).map_err(|e| (i, e))?);
                }
                *lens(t) = out;
                Ok(())
            }),
            validators: validators.into_iter().collect(),
        });
        self
    }

    /// Adds an async check to the field `name`, run by a live form after its validators
    /// pass (a database lookup: "this name is taken"): `Ok(())` or the error. It runs as
    /// a task of the form's component, so the core keeps serving meanwhile (put blocking
    /// work in [`unblock`](crate::live::unblock)); the field is
    /// [pending](super::UseForm::pending) until it answers, and a result for a value the
    /// user has since changed is discarded. A POST handler re-checks on submit (the check
    /// is advice for the typist; the handler decides).
    ///
    /// # Panics
    ///
    /// When no field `name` is bound.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::use_form::{required, FormSpec};
    ///
    /// #[derive(Clone, Default)]
    /// struct Signup { name: String }
    /// let spec = FormSpec::new()
    ///     .field("name", |s: &mut Signup| &mut s.name, [required()])
    ///     // A database lookup in a real app (through `unblock`).
    ///     .check_async("name", |name| async move {
    ///         if name == "admin" { Err(format!("{name} is taken")) } else { Ok(()) }
    ///     });
    /// # let _ = spec;
    /// ```
    pub fn check_async<F, Fut>(mut self, name: &str, check: F) -> Self
    where
        F: Fn(String) -> Fut + 'static,
        Fut: Future<Output = Result<(), String>> + 'static,
    {
        let field = self
            .fields
            .iter_mut()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("check_async: no field {name:?}"));
        field.check = Some(Rc::new(move |v| Box::pin(check(v))));
        self
    }

    fn check_name(&self, name: &str) {
        assert!(
            !name.contains(['[', ']']) && !name.is_empty() && name != ROW_FIELD,
            "bad field name {name:?}"
        );
        let taken = self.fields.iter().any(|f| f.name == name)
            || self.arrays.iter().any(|a| a.name == name);
        assert!(!taken, "field {name:?} bound twice");
    }

    /// The texts of `value`'s fields.
    pub(crate) fn values_of(&self, value: &T) -> Values {
        Values {
            fields: self.fields.iter().map(|f| (f.get)(value)).collect(),
            arrays: self.arrays.iter().map(|a| (a.get)(value)).collect(),
        }
    }

    /// The texts of a submitted form (rows up to the first missing index, at most
    /// [`MAX_ROWS`]), and the names of the arrays that had more rows (cut off).
    pub(crate) fn values_from(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> (Values, Vec<String>) {
        let fields = self
            .fields
            .iter()
            .map(|f| lookup(f.name).unwrap_or_default())
            .collect();
        let mut arrays = Vec::with_capacity(self.arrays.len());
        let mut over = Vec::new();
        for a in &self.arrays {
            let mut rows = Vec::new();
            while let Some(v) = lookup(&format!("{}[{}]", a.name, rows.len())) {
                if rows.len() == MAX_ROWS {
                    over.push(a.name.to_owned());
                    break;
                }
                rows.push(v);
            }
            arrays.push(rows);
        }
        (Values { fields, arrays }, over)
    }

    /// The sync error of field `i` with text `text` (a validator's, or the conversion's).
    pub(crate) fn field_error(&self, i: usize, text: &str) -> Option<String> {
        let f = &self.fields[i];
        first_error(&f.validators, text).or_else(|| (f.set)(&mut T::default(), text).err())
    }

    /// The sync error of a row of array `a`.
    pub(crate) fn row_error(&self, a: usize, text: &str) -> Option<String> {
        let def = &self.arrays[a];
        first_error(&def.validators, text).or_else(|| {
            (def.set)(&mut T::default(), std::slice::from_ref(&text.to_owned()))
                .err()
                .map(|(_, e)| e)
        })
    }

    /// `T` built from `values`, or every field's first error, in the spec's order.
    pub(crate) fn build(&self, values: &Values) -> Result<T, FieldErrors> {
        let mut errors = Vec::new();
        let mut out = T::default();
        for (i, f) in self.fields.iter().enumerate() {
            let text = &values.fields[i];
            match first_error(&f.validators, text) {
                Some(e) => errors.push((f.name.to_owned(), e)),
                None => {
                    if let Err(e) = (f.set)(&mut out, text) {
                        errors.push((f.name.to_owned(), e));
                    }
                }
            }
        }
        for (a, def) in self.arrays.iter().enumerate() {
            let rows = &values.arrays[a];
            let before = errors.len();
            for (r, text) in rows.iter().enumerate() {
                if let Some(e) = first_error(&def.validators, text) {
                    errors.push((format!("{}[{r}]", def.name), e));
                }
            }
            if errors.len() == before {
                if let Err((r, e)) = (def.set)(&mut out, rows) {
                    errors.push((format!("{}[{r}]", def.name), e));
                }
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// A row operation on a form array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RowOp {
    Add(String),
    Remove(String, usize),
    Move(String, usize, usize),
}

impl RowOp {
    /// `add:NAME`, `remove:NAME:I`, `up:NAME:I`, `down:NAME:I`.
    pub(crate) fn parse(s: &str) -> Option<RowOp> {
        let mut parts = s.splitn(3, ':');
        let (verb, name) = (parts.next()?, parts.next()?.to_owned());
        let index = parts.next().and_then(|i| i.parse::<usize>().ok());
        Some(match (verb, index) {
            ("add", None) => RowOp::Add(name),
            ("remove", Some(i)) => RowOp::Remove(name, i),
            ("up", Some(i)) => RowOp::Move(name, i, i.checked_sub(1)?),
            ("down", Some(i)) => RowOp::Move(name, i, i.checked_add(1)?),
            _ => return None,
        })
    }

    pub(crate) fn array(&self) -> &str {
        match self {
            RowOp::Add(n) | RowOp::Remove(n, _) | RowOp::Move(n, _, _) => n,
        }
    }

    /// Applies it to `rows`; out-of-range indexes and adding at [`MAX_ROWS`] do nothing.
    pub(crate) fn apply<R>(&self, rows: &mut Vec<R>, new: impl FnOnce() -> R) {
        match *self {
            RowOp::Add(_) if rows.len() < MAX_ROWS => rows.push(new()),
            RowOp::Remove(_, i) if i < rows.len() => {
                rows.remove(i);
            }
            RowOp::Move(_, from, to) if from < rows.len() && to < rows.len() => {
                let row = rows.remove(from);
                rows.insert(to, row);
            }
            _ => {}
        }
    }
}
