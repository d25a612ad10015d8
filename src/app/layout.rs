//! Where the list and the console pane go, as plain numbers so `update` can size the guest's
//! terminal without knowing about ratatui; the views build their areas from the same numbers.

/// A rectangle in terminal cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Area {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

/// The body (between the header line and the status + hint lines), split for a console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLayout {
    pub list: Option<Area>,
    pub console: Option<Area>,
}

/// Wide terminals put the console beside the list, others below it.
const SIDE_BY_SIDE_MIN_WIDTH: u16 = 160;

pub fn body(width: u16, height: u16, console_visible: bool, zoomed: bool) -> BodyLayout {
    let body = Area {
        x: 0,
        y: 1,
        width,
        height: height.saturating_sub(3),
    };
    if !console_visible {
        return BodyLayout {
            list: Some(body),
            console: None,
        };
    }
    if zoomed {
        return BodyLayout {
            list: None,
            console: Some(body),
        };
    }
    if width >= SIDE_BY_SIDE_MIN_WIDTH {
        let list_width = width * 2 / 5;
        let list = Area {
            width: list_width,
            ..body
        };
        let console = Area {
            x: list_width,
            width: width - list_width,
            ..body
        };
        return BodyLayout {
            list: Some(list),
            console: Some(console),
        };
    }
    let list_height = (body.height / 3).max(5).min(body.height);
    let list = Area {
        height: list_height,
        ..body
    };
    let console = Area {
        y: body.y + list_height,
        height: body.height - list_height,
        ..body
    };
    BodyLayout {
        list: Some(list),
        console: Some(console),
    }
}

/// The guest terminal's size inside a bordered pane.
pub fn inner_size(area: Area) -> (u16, u16) {
    (
        area.height.saturating_sub(2).max(1),
        area.width.saturating_sub(2).max(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_below_on_narrow_and_beside_on_wide_terminals() {
        let narrow = body(80, 24, true, false);
        assert_eq!(narrow.list.unwrap().height, 7);
        assert_eq!(narrow.console.unwrap().y, 8);
        assert_eq!(inner_size(narrow.console.unwrap()), (12, 78));
        let wide = body(200, 50, true, false);
        assert_eq!(wide.console.unwrap().x, 80);
        let zoomed = body(80, 24, true, true);
        assert_eq!(zoomed.list, None);
        assert_eq!(inner_size(zoomed.console.unwrap()), (19, 78));
    }
}
