//! [`Validator`]: one rule a field's text must pass, with its message; the built-in
//! rules (required, email, length, numeric range, pattern, one-of) and custom ones.
//!
//! Pure: touches only the pattern matcher. The same validators run for a live form as
//! the user types and for a plain-HTTP POST, so both show the same errors.

use std::rc::Rc;

use super::pattern::Pattern;

type Rule = Rc<dyn Fn(&str) -> Result<(), String>>;

/// A rule on a field's text. Every rule but [`required`] passes an empty value (an empty
/// optional field is valid); put [`required`] first to refuse it.
///
/// # Examples
///
/// ```
/// use vango::live::use_form::{email, min_len, required, Validator};
/// assert_eq!(required().check(" "), Err("required".to_string()));
/// assert_eq!(email().check(""), Ok(()), "empty passes: not required");
/// assert!(email().check("ada@example").is_err());
/// assert_eq!(min_len(3).message("too short!").check("ab"), Err("too short!".into()));
/// let even = Validator::new(|v| match v.parse::<i64>() {
///     Ok(n) if n % 2 == 0 => Ok(()),
///     _ => Err("an even number".to_string()),
/// });
/// assert!(even.check("4").is_ok() && even.check("5").is_err());
/// ```
#[derive(Clone)]
pub struct Validator {
    rule: Rule,
    skips_empty: bool,
}

impl Validator {
    /// A custom rule: `Ok(())` or the error message. It sees empty values too.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::use_form::Validator;
    ///
    /// let even = Validator::new(|v| match v.parse::<u32>() {
    ///     Ok(n) if n % 2 == 0 => Ok(()),
    ///     _ => Err("an even number".into()),
    /// });
    /// assert!(even.check("4").is_ok());
    /// assert_eq!(even.check("5"), Err("an even number".to_string()));
    /// ```
    pub fn new(rule: impl Fn(&str) -> Result<(), String> + 'static) -> Validator {
        Validator {
            rule: Rc::new(rule),
            skips_empty: false,
        }
    }

    fn optional(rule: impl Fn(&str) -> Result<(), String> + 'static) -> Validator {
        Validator {
            rule: Rc::new(rule),
            skips_empty: true,
        }
    }

    /// The same rule with `msg` as its error message.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::use_form::min_len;
    ///
    /// let v = min_len(8).message("use at least 8 characters");
    /// assert_eq!(v.check("short"), Err("use at least 8 characters".to_string()));
    /// ```
    pub fn message(self, msg: impl Into<String>) -> Validator {
        let msg: String = msg.into();
        let rule = self.rule;
        Validator {
            rule: Rc::new(move |v| rule(v).map_err(|_| msg.clone())),
            skips_empty: self.skips_empty,
        }
    }

    /// Checks `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::live::use_form::email;
    ///
    /// assert!(email().check("ada@example.com").is_ok());
    /// assert!(email().check("").is_ok(), "empty is left to `required`");
    /// assert!(email().check("ada").is_err());
    /// ```
    pub fn check(&self, value: &str) -> Result<(), String> {
        if self.skips_empty && value.is_empty() {
            return Ok(());
        }
        (self.rule)(value)
    }
}

/// A value other than blanks.
///
/// # Examples
///
/// ```
/// use vango::live::use_form::required;
///
/// assert!(required().check("").is_err());
/// assert!(required().check("   ").is_err());
/// assert!(required().check("x").is_ok());
/// ```
pub fn required() -> Validator {
    Validator::new(|v| {
        if v.trim().is_empty() {
            Err("required".into())
        } else {
            Ok(())
        }
    })
}

/// An email address: `local@domain.tld`, no blanks, one `@`, a dotted domain, at most
/// 254 bytes (a syntax check; only a mail proves an address exists).
///
/// # Examples
///
/// ```
/// use vango::live::use_form::email;
///
/// assert!(email().check("grace@navy.mil").is_ok());
/// assert!(email().check("grace@").is_err());
/// ```
pub fn email() -> Validator {
    Validator::optional(|v| {
        let ok = v.len() <= 254
            && !v.chars().any(|c| c.is_whitespace() || c.is_control())
            && v.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && domain.split('.').all(|label| !label.is_empty())
            });
        if ok {
            Ok(())
        } else {
            Err("an email address, like name@example.com".into())
        }
    })
}

/// At least `n` characters.
///
/// # Examples
///
/// ```
/// use vango::live::use_form::min_len;
///
/// assert!(min_len(3).check("ab").is_err());
/// assert!(min_len(3).check("abc").is_ok());
/// ```
pub fn min_len(n: usize) -> Validator {
    Validator::optional(move |v| {
        if v.chars().count() >= n {
            Ok(())
        } else {
            Err(format!("at least {n} characters"))
        }
    })
}

/// At most `n` characters.
///
/// # Examples
///
/// ```
/// use vango::live::use_form::max_len;
///
/// assert!(max_len(3).check("abcd").is_err());
/// assert!(max_len(3).check("abc").is_ok());
/// ```
pub fn max_len(n: usize) -> Validator {
    Validator::optional(move |v| {
        // Counting stops past `n`: a huge value costs no more than a short one.
        if v.chars().nth(n).is_none() {
            Ok(())
        } else {
            Err(format!("at most {n} characters"))
        }
    })
}

/// A number from `min` to `max` (both included).
///
/// # Examples
///
/// ```
/// use vango::live::use_form::range;
///
/// let age = range(13.0, 130.0);
/// assert!(age.check("42").is_ok());
/// assert!(age.check("7").is_err());
/// assert!(age.check("old").is_err());
/// ```
pub fn range(min: f64, max: f64) -> Validator {
    Validator::optional(move |v| match v.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && (min..=max).contains(&x) => Ok(()),
        Ok(_) => Err(format!("from {min} to {max}")),
        Err(_) => Err("a number".into()),
    })
}

/// The whole value matches `pattern` ([`Pattern`]'s small syntax: classes, `\d`,
/// repetition; no groups).
///
/// # Panics
///
/// When `pattern` does not compile (it is a literal of the program: the panic happens
/// when the form is defined, with the reason). Use [`Pattern::new`] and
/// [`Validator::new`] for patterns built at run time.
///
/// # Examples
///
/// ```
/// use vango::live::use_form::pattern;
///
/// let zip = pattern(r"\d{5}").message("five digits");
/// assert!(zip.check("75001").is_ok());
/// assert_eq!(zip.check("7500"), Err("five digits".to_string()));
/// ```
pub fn pattern(pattern: &str) -> Validator {
    let p = Pattern::new(pattern).unwrap_or_else(|e| panic!("{e}"));
    Validator::optional(move |v| {
        if p.matches(v) {
            Ok(())
        } else {
            Err("not in the expected format".into())
        }
    })
}

/// The whole value passes `test` (any hand-written matcher).
///
/// # Examples
///
/// ```
/// use vango::live::use_form::matches;
///
/// let no_spaces = matches(|v| !v.contains(' '), "no spaces, please");
/// assert!(no_spaces.check("ada_l").is_ok());
/// assert_eq!(no_spaces.check("ada l"), Err("no spaces, please".to_string()));
/// ```
pub fn matches(test: fn(&str) -> bool, msg: &'static str) -> Validator {
    Validator::optional(move |v| if test(v) { Ok(()) } else { Err(msg.into()) })
}

/// One of `options`.
///
/// # Examples
///
/// ```
/// use vango::live::use_form::one_of;
///
/// let plan = one_of(&["free", "pro"]);
/// assert!(plan.check("pro").is_ok());
/// assert!(plan.check("enterprise").is_err());
/// ```
pub fn one_of(options: &'static [&'static str]) -> Validator {
    Validator::optional(move |v| {
        if options.contains(&v) {
            Ok(())
        } else {
            Err(format!("one of {}", options.join(", ")))
        }
    })
}

/// The first error `validators` give `value`.
pub(crate) fn first_error(validators: &[Validator], value: &str) -> Option<String> {
    validators.iter().find_map(|v| v.check(value).err())
}
