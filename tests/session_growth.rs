//! A session that grows a lot in one event is charged its growth at once, over a real
//! socket: a click that adds 1,000 rows shows in `vango_session_bytes` as soon as its
//! frame has gone out, not 63 frames later when the periodic measurement comes round.

use vango::prelude::*;
use vango_test_support::client::{page, Client};
use vango_test_support::raw::metric_sum;

fn rows() -> impl Render {
    let n = signal(0u32);
    move || {
        div((
            button("more")
                .attr("id", "more")
                .on_click(move |_| n.update(|n| *n += 1000)),
            ul((0..n.get())
                .map(|i| li(format!("row {i}")))
                .collect::<Vec<_>>()),
        ))
    }
}

#[test]
fn a_click_that_adds_a_thousand_rows_is_charged_at_once() {
    let srv = vango::App::new()
        .page("/", rows)
        .workers(1)
        .spawn("127.0.0.1:0")
        .unwrap();
    let addr = srv.local_addr();
    let p = page(addr);
    let mut c = Client::open(addr, &p);
    let before = metric_sum(addr, "vango_session_bytes");
    let _ = c.click(1, p.hid("more"));
    let after = metric_sum(addr, "vango_session_bytes");
    println!("accounted: {before} B before the click, {after} B after");
    // 1,000 retained `li`s with their texts: well over 100 B each.
    assert!(after > before + 100_000, "{before} B -> {after} B");
    // The next thousand: a frame as large, next to a session now charged far more.
    let _ = c.click(2, p.hid("more"));
    let third = metric_sum(addr, "vango_session_bytes");
    assert!(
        third > after,
        "the second thousand is charged too: {after} -> {third}"
    );
}
