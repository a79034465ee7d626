//! The diff's oracle through real HTML: random trees are rendered by SSR and parsed by
//! html5ever, the diff's patches are applied to that parsed DOM, and the result must equal
//! the parse of the new tree's SSR output.

use vango::component::TreeCx;
use vango::vdom::diff::diff;
use vango::vdom::Patch;

use vango_test_support::diff_spec::*;
use vango_test_support::html5::{parse_body_fragment as parse, show, PNode};

/// Tags whose HTML parses back to the same tree in any nesting (no `p`, voids, options).
const HTML_TAGS: &[&str] = &["div", "span", "b", "em", "section"];

fn hid_of(n: &PNode) -> Option<u32> {
    match n {
        PNode::Element { attrs, .. } => attrs
            .iter()
            .find(|(k, _)| k == "data-hid")
            .and_then(|(_, v)| v.parse().ok()),
        _ => None,
    }
}

fn find_list(nodes: &mut Vec<PNode>, hid: u32) -> Option<(&mut Vec<PNode>, usize)> {
    if let Some(i) = nodes.iter().position(|n| hid_of(n) == Some(hid)) {
        return Some((nodes, i));
    }
    nodes.iter_mut().find_map(|n| match n {
        PNode::Element { children, .. } => find_list(children, hid),
        _ => None,
    })
}

fn kids(dom: &mut Vec<PNode>, hid: u32) -> Result<&mut Vec<PNode>, String> {
    match find_list(dom, hid) {
        Some((list, i)) => match &mut list[i] {
            PNode::Element { children, .. } => Ok(children),
            _ => unreachable!(),
        },
        None => Err(format!("no element {hid}")),
    }
}

fn attrs_of(dom: &mut Vec<PNode>, hid: u32) -> Result<&mut Vec<(String, String)>, String> {
    match find_list(dom, hid) {
        Some((list, i)) => match &mut list[i] {
            PNode::Element { attrs, .. } => Ok(attrs),
            _ => unreachable!(),
        },
        None => Err(format!("no element {hid}")),
    }
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(what.to_string())
    }
}

/// Applies one wire patch the way the client does (HTML parsed as a fragment).
fn apply(dom: &mut Vec<PNode>, p: &Patch) -> Result<(), String> {
    match p {
        Patch::SetText {
            parent,
            index,
            text,
        } => {
            let k = kids(dom, *parent)?;
            match k.get_mut(*index as usize) {
                Some(PNode::Text(t)) => *t = text.clone(),
                other => return Err(format!("set_text on {other:?}")),
            }
        }
        Patch::SetAttr { hid, name, value } => {
            let a = attrs_of(dom, *hid)?;
            match a.iter_mut().find(|(k, _)| k == name) {
                Some(slot) => slot.1 = value.clone(),
                None => a.push((name.clone(), value.clone())),
            }
        }
        Patch::RemoveAttr { hid, name } => attrs_of(dom, *hid)?.retain(|(k, _)| k != name),
        Patch::SetProp { .. } => return Err("no properties expected here".into()),
        Patch::InsertChild {
            parent,
            index,
            html,
        } => {
            let k = kids(dom, *parent)?;
            check(*index as usize <= k.len(), "insert index")?;
            let i = *index as usize;
            k.splice(i..i, parse(html));
        }
        Patch::RemoveChild { parent, index } => {
            let k = kids(dom, *parent)?;
            check((*index as usize) < k.len(), "remove index")?;
            k.remove(*index as usize);
        }
        Patch::MoveChild { parent, from, to } => {
            let k = kids(dom, *parent)?;
            check((*from as usize) < k.len(), "move from")?;
            let n = k.remove(*from as usize);
            check(*to as usize <= k.len(), "move to")?;
            k.insert(*to as usize, n);
        }
        Patch::ReplaceChild {
            parent,
            index,
            html,
        } => {
            let k = kids(dom, *parent)?;
            check((*index as usize) < k.len(), "replace index")?;
            let i = *index as usize;
            k.splice(i..=i, parse(html));
        }
        Patch::ReplaceNode { hid, html } => {
            let (list, i) = find_list(dom, *hid).ok_or(format!("no element {hid}"))?;
            list.splice(i..=i, parse(html));
        }
        Patch::SetInnerHtml { hid, html } => *kids(dom, *hid)? = parse(html),
    }
    Ok(())
}

/// Attribute order is not meaningful in the DOM; sort it on both sides.
fn canon(nodes: &mut [PNode]) {
    for n in nodes {
        if let PNode::Element {
            attrs, children, ..
        } = n
        {
            attrs.sort();
            canon(children);
        }
    }
}

#[test]
fn oracle_through_ssr_html() {
    let cases = if cfg!(debug_assertions) { 800 } else { 10000 };
    for seed in 0..cases {
        let (mut g, mut spec) = Gen::start(seed, HTML_TAGS);
        let mut cx = TreeCx::new(1);
        let mut tree = mounted(&spec, &mut cx);
        let mut dom = parse(&vango::render::to_html(&tree));
        for round in 0..3 {
            let next = g.next_tree(&spec);
            let mut patches: Vec<Patch> = Vec::new();
            diff(&mut tree, fresh(&next), &mut cx, &mut patches);
            for p in &patches {
                if let Err(e) = apply(&mut dom, p) {
                    panic!(
                        "seed {seed} round {round}: {e} applying {p:?}\n{}",
                        show(&dom)
                    );
                }
            }
            let mut want = parse(&vango::render::to_html(&tree));
            canon(&mut dom);
            canon(&mut want);
            assert_eq!(
                show(&dom),
                show(&want),
                "seed {seed} round {round}: {patches:?}"
            );
            spec = next;
        }
    }
}
