//! A page request's path, query and fragment in one exact-size allocation: a live session
//! keeps its page's request while open, and three boxes cost two more heap blocks and 24
//! more bytes of the request than one. Data only.

/// `text` is the path, then the query, then the fragment, split at `query_at` and
/// `fragment_at` (byte offsets).
#[derive(Clone, Default, PartialEq, Eq)]
pub(super) struct Url {
    text: Box<str>,
    query_at: u32,
    fragment_at: u32,
}

/// A split point: a request's URL is bounded by the HTTP head and the WebSocket message
/// limits (kilobytes), far under 4 GiB.
fn at(n: usize) -> u32 {
    u32::try_from(n).expect("a request URL under 4 GiB")
}

impl Url {
    pub(super) fn new(path: &str, query: &str, fragment: &str) -> Url {
        let mut text = String::with_capacity(path.len() + query.len() + fragment.len());
        text.push_str(path);
        text.push_str(query);
        text.push_str(fragment);
        Url {
            text: text.into_boxed_str(),
            query_at: at(path.len()),
            fragment_at: at(path.len() + query.len()),
        }
    }

    pub(super) fn path(&self) -> &str {
        &self.text[..self.query_at as usize]
    }

    pub(super) fn query(&self) -> &str {
        &self.text[self.query_at as usize..self.fragment_at as usize]
    }

    pub(super) fn fragment(&self) -> &str {
        &self.text[self.fragment_at as usize..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_part_reads_back_whatever_the_others_hold() {
        let parts = ["", "/", "/a/b", "q=1&r=2", "é/ü", "/active"];
        for path in parts {
            for query in parts {
                for fragment in parts {
                    let u = Url::new(path, query, fragment);
                    assert_eq!((u.path(), u.query(), u.fragment()), (path, query, fragment));
                    let w = Url::new(u.path(), "x=1", u.fragment());
                    assert_eq!((w.path(), w.query(), w.fragment()), (path, "x=1", fragment));
                }
            }
        }
        assert_eq!(std::mem::size_of::<Url>(), 24);
    }
}
