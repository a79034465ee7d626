//! [`FormSpec`]'s plain-HTTP POST path: parsing a submitted [`Form`] with the same
//! validators a live form runs, the handler that answers it (row buttons included), and the
//! re-encoding of a refused submission. Touches only the spec and `live::form`.

use super::*;

impl<T: Clone + Default + 'static> FormSpec<T> {
    /// Checks a submitted form with every field's validators: the `T` it holds, or the
    /// errors by field name.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::form::Form;
    /// use vango::live::use_form::{email, required, FormSpec};
    ///
    /// #[derive(Clone, Debug, Default, PartialEq)]
    /// struct Invite { email: String }
    /// let spec = FormSpec::new().field("email", |i: &mut Invite| &mut i.email, [required(), email()]);
    /// let errors = spec.parse(&Form::new(vec![("email".into(), "nope".into())])).unwrap_err();
    /// assert_eq!(errors[0].0, "email");
    /// ```
    pub fn parse(&self, form: &Form) -> Result<T, FieldErrors> {
        let (values, over) = self.values_from(|n| form.get(n).map(str::to_owned));
        if !over.is_empty() {
            return Err(over
                .into_iter()
                .map(|a| (a, format!("at most {MAX_ROWS} rows")))
                .collect());
        }
        self.build(&values)
    }

    /// A form handler's whole job for a plain-HTTP POST: a row button's operation
    /// re-renders the form with the row added, removed or moved (status 422, no errors);
    /// otherwise the form is [parsed](Self::parse), and `submit` runs with the `T` it
    /// holds. `submit` answers the URL to redirect to, or errors to show on fields (a
    /// database's "name taken"). Refusals re-render the page with every error on its
    /// field, as [`use_form`](super::super::use_form) shows them.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::form::Form;
    /// use vango::live::use_form::{required, FormSpec};
    /// let spec = || FormSpec::new().field("name", |s: &mut String| s, [required()]);
    /// let form = Form::new(vec![("name".into(), "root".into())]);
    /// let reply = spec().handle(&form, |name| {
    ///     if name == "root" { Err(vec![("name".into(), "taken".into())]) } else { Ok("/hi".into()) }
    /// });
    /// assert_eq!(reply.errors(), Some(&[("name".to_string(), "taken".to_string())][..]));
    /// ```
    pub fn handle(
        &self,
        form: &Form,
        submit: impl FnOnce(T) -> Result<String, FieldErrors>,
    ) -> FormReply {
        if let Some(op) = form.get(ROW_FIELD) {
            return self.row_op(form, op);
        }
        let result = self.parse(form).and_then(submit);
        match result {
            Ok(url) => FormReply::redirect(url),
            Err(errors) => {
                let errors: Vec<(&str, &str)> = errors
                    .iter()
                    .map(|(n, m)| (n.as_str(), m.as_str()))
                    .collect();
                form.invalid(errors)
            }
        }
    }

    /// Re-renders `form` with its row operation applied.
    fn row_op(&self, form: &Form, op: &str) -> FormReply {
        let (mut values, _) = self.values_from(|n| form.get(n).map(str::to_owned));
        if let Some((a, op)) = RowOp::parse(op).and_then(|op| {
            let a = self.arrays.iter().position(|d| d.name == op.array())?;
            Some((a, op))
        }) {
            op.apply(&mut values.arrays[a], String::new);
        }
        let fields = self.encode(&values, Some(op));
        Form::new(fields).invalid([])
    }

    /// `values` as the name/value pairs a form would post (with the row operation).
    pub(crate) fn encode(&self, values: &Values, op: Option<&str>) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (f, v) in self.fields.iter().zip(&values.fields) {
            out.push((f.name.to_owned(), v.clone()));
        }
        for (a, rows) in self.arrays.iter().zip(&values.arrays) {
            for (r, v) in rows.iter().enumerate() {
                out.push((format!("{}[{r}]", a.name), v.clone()));
            }
        }
        if let Some(op) = op {
            out.push((ROW_FIELD.to_owned(), op.to_owned()));
        }
        out
    }
}
