use super::*;

const SPECS: [Spec; 4] = [
    text("NAME", NAME_MIN, 0),
    text("HOST", 6, 2),
    number("VCPU", 1),
    text("TYPE", 4, 3),
];

fn all() -> Vec<bool> {
    vec![true; SPECS.len()]
}

#[test]
fn everything_fits_loosened_a_little_and_the_slack_stays_right() {
    let layout = layout(&SPECS, &[20, 10, 5, 8], &all(), 200, 1);
    assert_eq!(layout.widths, vec![Some(22), Some(12), Some(7), Some(10)]);
    assert_eq!(layout.dropped, 0);
}

#[test]
fn the_least_important_shrink_first() {
    // 20+10+5+8 + 3 gaps = 46; 6 short: NAME gives 4 (down to the fair 16), TYPE 2.
    let layout = layout(&SPECS, &[20, 10, 5, 8], &all(), 40, 1);
    assert_eq!(layout.widths, vec![Some(16), Some(10), Some(5), Some(6)]);
    // With room for the fair widths, the most important grows first.
    let layout = super::layout(&SPECS, &[20, 10, 5, 8], &all(), 44, 1);
    assert_eq!(layout.widths, vec![Some(18), Some(10), Some(5), Some(8)]);
}

#[test]
fn columns_drop_out_before_a_name_is_cut_below_a_fair_width() {
    // Least: NAME 16 (fair), HOST 6, VCPU 5, TYPE 4, 3 gaps = 34.
    let layout = layout(&SPECS, &[30, 10, 5, 8], &all(), 29, 1);
    assert_eq!(layout.widths, vec![Some(16), Some(6), Some(5), None]);
    assert_eq!(layout.dropped, 1);
    let layout = super::layout(&SPECS, &[30, 10, 5, 8], &all(), 22, 1);
    assert_eq!(layout.widths, vec![Some(16), None, Some(5), None]);
    assert_eq!(layout.dropped, 2);
    // Alone and still too wide, the name is cut to the room there is.
    let layout = super::layout(&SPECS, &[30, 10, 5, 8], &all(), 10, 1);
    assert_eq!(layout.widths, vec![Some(10), None, None, None]);
    // A short name takes no more than it needs.
    let layout = super::layout(&SPECS, &[5, 10, 5, 8], &all(), 24, 1);
    assert_eq!(layout.widths, vec![Some(5), Some(7), Some(5), Some(4)]);
}

#[test]
fn a_number_is_never_narrower_than_its_widest_figure() {
    let layout = layout(&SPECS, &[12, 6, 9, 4], &all(), 30, 1);
    assert_eq!(layout.widths[2], Some(9));
}

#[test]
fn columns_hidden_by_choice_are_not_counted_as_dropped() {
    let wanted = vec![true, false, true, true];
    let layout = layout(&SPECS, &[20, 10, 5, 8], &wanted, 36, 1);
    assert_eq!(layout.widths, vec![Some(20), None, Some(5), Some(8)]);
    assert_eq!(layout.dropped, 0);
}

#[test]
fn preferred_widths_are_display_widths() {
    let rows = [["数据库-一", "h"], ["db", "host-1"]];
    let specs = [text("NAME", 4, 0), text("HOST", 4, 1)];
    assert_eq!(preferred(&specs, 2, |r, c| rows[r][c]), vec![9, 6]);
}

#[test]
fn cut_text_ends_with_an_ellipsis_and_fits_by_display_width() {
    assert_eq!(cut("opteron-1", 9), "opteron-1");
    assert_eq!(cut("opteron-12", 9), "opteron-…");
    // Wide characters are two cells: never half of one.
    assert_eq!(cut("数据库服务器", 6), "数据…");
    assert_eq!(width(&cut("数据库服务器", 6)), 5);
    assert_eq!(fit("数据", 6, Align::Left), "数据  ");
    assert_eq!(fit("42", 5, Align::Right), "   42");
    assert_eq!(fit("lab-incus", 6, Align::Left), "lab-i…");
}
