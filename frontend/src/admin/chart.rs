//! The geometry of the analytics charts: plain numbers in, SVG coordinates out, tested natively.
//! The charts are drawn as inline SVG by the view; no chart library rides in the admin's bundle.

/// A bar's length in percent of the longest, for horizontal bars drawn with CSS widths. A
/// non-zero value is never drawn as nothing.
#[must_use]
pub fn bar_percents(values: &[u32]) -> Vec<u32> {
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| {
            if max == 0 || v == 0 {
                0
            } else {
                let pct = u64::from(v) * 100 / u64::from(max);
                u32::try_from(pct).unwrap_or(100).max(1)
            }
        })
        .collect()
}

/// Room above the plot, so the top of the scale's label is not cut.
pub const TOP: f32 = 10.0;

/// A chart's drawing area, in SVG user units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// Room kept at the left for the axis labels.
    pub left: u32,
    /// Room kept at the bottom for the period labels.
    pub bottom: u32,
}

impl Frame {
    /// The frame of the admin's charts: 360 wide (a 390-px phone minus the card's padding).
    pub const PHONE: Self = Self {
        width: 360,
        height: 160,
        left: 28,
        bottom: 18,
    };

    fn plot_height(self) -> u32 {
        self.height.saturating_sub(self.bottom + TOP as u32)
    }

    fn plot_width(self) -> u32 {
        self.width.saturating_sub(self.left + 4)
    }
}

/// The top of a chart's scale: the maximum rounded up to a number that reads well (1, 2, 5 ×
/// 10ⁿ), at least 1.
#[must_use]
pub fn nice_max(max: u32) -> u32 {
    let mut step: u64 = 1;
    loop {
        for factor in [1, 2, 5] {
            let candidate = step * factor;
            if candidate >= u64::from(max) {
                return u32::try_from(candidate).unwrap_or(u32::MAX);
            }
        }
        step *= 10;
    }
}

/// A line through `values`, evenly spaced left to right, scaled to `top`: the SVG path
/// (`M x y L x y …`). Empty without values.
#[must_use]
pub fn line_path(values: &[u32], top: u32, frame: Frame) -> String {
    let points = points(values, top, frame);
    let mut path = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        path.push_str(if i == 0 { "M" } else { " L" });
        path.push_str(&format!("{x:.1} {y:.1}"));
    }
    path
}

/// The points of [`line_path`].
#[must_use]
pub fn points(values: &[u32], top: u32, frame: Frame) -> Vec<(f32, f32)> {
    let top = top.max(1) as f32;
    let plot_w = frame.plot_width() as f32;
    let plot_h = frame.plot_height() as f32;
    let step = if values.len() > 1 {
        plot_w / (values.len() - 1) as f32
    } else {
        0.0
    };
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let x = frame.left as f32 + step * i as f32;
            let y = TOP + plot_h - plot_h * (v.min(top as u32) as f32 / top);
            (x, y)
        })
        .collect()
}

/// One column of a column chart: its left edge, top, width and height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// Left edge.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height (0 for a zero value).
    pub height: f32,
}

/// Columns for `values` side by side, scaled to `top`, with a gap between them.
#[must_use]
pub fn columns(values: &[u32], top: u32, frame: Frame) -> Vec<Column> {
    if values.is_empty() {
        return Vec::new();
    }
    let top = top.max(1) as f32;
    let slot = frame.plot_width() as f32 / values.len() as f32;
    let plot_h = frame.plot_height() as f32;
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let height = plot_h * (v.min(top as u32) as f32 / top);
            Column {
                x: frame.left as f32 + slot * i as f32 + slot * 0.15,
                y: TOP + plot_h - height,
                width: slot * 0.7,
                height,
            }
        })
        .collect()
}

/// The y of a value on the scale (for the axis' gridlines and labels).
#[must_use]
pub fn y_of(value: u32, top: u32, frame: Frame) -> f32 {
    let plot_h = frame.plot_height() as f32;
    TOP + plot_h - plot_h * (value.min(top) as f32 / top.max(1) as f32)
}

/// Minutes as people say them: "45 min", "4 h", "3 d" (English) or "45 分钟", "4 小时", "3 天".
#[must_use]
pub fn minutes_label(minutes: u32, zh: bool) -> String {
    let (n, unit_en, unit_zh) = if minutes < 60 {
        (minutes, "min", "分钟")
    } else if minutes < 2 * 1_440 || !minutes.is_multiple_of(1_440) {
        if minutes.is_multiple_of(60) {
            (minutes / 60, "h", "小时")
        } else {
            return if zh {
                format!("{:.1} 小时", minutes as f32 / 60.0)
            } else {
                format!("{:.1} h", minutes as f32 / 60.0)
            };
        }
    } else {
        (minutes / 1_440, "d", "天")
    };
    if zh {
        format!("{n} {unit_zh}")
    } else {
        format!("{n} {unit_en}")
    }
}

/// Buckets merged into fewer, wider ones for a phone: each `(upper bound, cases)` goes into the
/// first group whose bound holds it; `None` bounds (longer than the last) stay last.
#[must_use]
pub fn group_buckets(buckets: &[(Option<u32>, u32)], bounds: &[u32]) -> Vec<(Option<u32>, u32)> {
    let mut groups: Vec<(Option<u32>, u32)> = bounds.iter().map(|b| (Some(*b), 0)).collect();
    groups.push((None, 0));
    for &(bound, cases) in buckets {
        let slot = match bound {
            Some(b) => bounds.iter().position(|g| b <= *g).unwrap_or(bounds.len()),
            None => bounds.len(),
        };
        if let Some(group) = groups.get_mut(slot) {
            group.1 += cases;
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_longest_and_never_hide_a_small_one() {
        assert_eq!(bar_percents(&[10, 5, 0, 1_000]), vec![1, 1, 0, 100]);
        assert_eq!(bar_percents(&[4, 2]), vec![100, 50]);
        assert_eq!(bar_percents(&[0, 0]), vec![0, 0]);
        assert!(bar_percents(&[]).is_empty());
        assert_eq!(bar_percents(&[u32::MAX, 1]), vec![100, 1]);
    }

    #[test]
    fn the_scale_rounds_up_to_a_number_that_reads_well() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(3), 5);
        assert_eq!(nice_max(11), 20);
        assert_eq!(nice_max(100), 100);
        assert_eq!(nice_max(101), 200);
        assert_eq!(nice_max(u32::MAX), u32::MAX);
    }

    #[test]
    fn a_line_spans_the_plot_from_the_axis_to_the_right_edge() {
        let f = Frame::PHONE;
        let p = points(&[0, 5, 10], 10, f);
        assert_eq!(p[0], (f.left as f32, y_of(0, 10, f)));
        assert_eq!(p[2].0, (f.width - 4) as f32);
        assert_eq!(p[2].1, TOP, "the top of the scale is the top of the plot");
        assert!(p[1].1 > p[2].1 && p[1].1 < p[0].1);
        assert!(line_path(&[1, 2], 2, f).starts_with('M'));
        assert_eq!(line_path(&[], 2, f), "");
        // A value above the scale is drawn at its top, never outside the frame.
        assert_eq!(points(&[50], 10, f)[0].1, TOP);
    }

    #[test]
    fn columns_fill_the_plot_side_by_side() {
        let f = Frame::PHONE;
        let c = columns(&[1, 0, 2], 2, f);
        assert_eq!(c.len(), 3);
        assert_eq!(c[1].height, 0.0);
        assert!(c[0].x + c[0].width < c[1].x);
        assert!(c[2].x + c[2].width <= (f.width - 4) as f32);
        assert_eq!(c[2].y, TOP);
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(minutes_label(45, false), "45 min");
        assert_eq!(minutes_label(240, false), "4 h");
        assert_eq!(minutes_label(90, true), "1.5 小时");
        assert_eq!(minutes_label(4_320, true), "3 天");
        assert_eq!(minutes_label(1_440, false), "24 h");
    }

    #[test]
    fn buckets_merge_into_the_first_group_that_holds_them() {
        let fine = [(Some(5), 1), (Some(60), 2), (Some(240), 3), (None, 4)];
        assert_eq!(
            group_buckets(&fine, &[60, 1_440]),
            vec![(Some(60), 3), (Some(1_440), 3), (None, 4)]
        );
        assert_eq!(
            group_buckets(&[(Some(10_080), 2)], &[60]),
            vec![(Some(60), 0), (None, 2)]
        );
    }
}
