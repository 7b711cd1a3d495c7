//! SVG charts drawn on the server. Legible in black and white (values are
//! labelled, series differ by line style and marker shape, not colour) and
//! to screen readers (a title and description; every chart's page also
//! shows its data as a table).

use std::fmt::Write;

pub struct Bar {
    pub label: String,
    /// 0–100, None where there is no data.
    pub percent: Option<f64>,
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A percentage bar chart, one bar per label.
pub fn percent_bars(id: &str, title: &str, description: &str, bars: &[Bar]) -> String {
    let (width, height, left, bottom, top) = (640.0, 260.0, 44.0, 40.0, 16.0);
    let plot_h = height - bottom - top;
    let slot = (width - left - 10.0) / bars.len().max(1) as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="gt-chart" id="{id}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(description)
    );
    for pct in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let y = top + plot_h * (1.0 - pct / 100.0);
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#b1b4b6" stroke-width="1"/><text x="{}" y="{:.1}" font-size="12" text-anchor="end" fill="#0b0c0c">{pct:.0}%</text>"##,
            width - 10.0,
            left - 6.0,
            y + 4.0
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let x = left + slot * i as f64 + slot * 0.2;
        let w = slot * 0.6;
        let label_x = x + w / 2.0;
        match bar.percent {
            Some(pct) => {
                let h = plot_h * pct.clamp(0.0, 100.0) / 100.0;
                let y = top + plot_h - h;
                let _ = write!(
                    svg,
                    r##"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="#505a5f"/><text x="{label_x:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="#0b0c0c">{pct:.0}%</text>"##,
                    (y - 4.0).max(12.0)
                );
            }
            None => {
                let _ = write!(
                    svg,
                    r##"<text x="{label_x:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="#0b0c0c">no data</text>"##,
                    top + plot_h - 4.0
                );
            }
        }
        let _ = write!(
            svg,
            r##"<text x="{label_x:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="#0b0c0c">{}</text>"##,
            height - bottom + 18.0,
            esc(&bar.label)
        );
    }
    svg.push_str("</svg>");
    svg
}

pub struct Point {
    pub label: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
}

/// Values (solid line, round markers) against targets (dashed line, square
/// markers) over time.
pub fn values_against_targets(
    id: &str,
    title: &str,
    description: &str,
    points: &[Point],
) -> String {
    let (width, height, left, bottom, top) = (640.0, 280.0, 60.0, 56.0, 28.0);
    let plot_h = height - bottom - top;
    let plot_w = width - left - 20.0;
    let numbers: Vec<f64> = points
        .iter()
        .flat_map(|p| [p.value, p.target])
        .flatten()
        .filter(|v| v.is_finite())
        .collect();
    let (mut lo, mut hi) = numbers
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    if numbers.is_empty() {
        (lo, hi) = (0.0, 1.0);
    }
    lo = lo.min(0.0);
    if hi <= lo {
        hi = lo + 1.0;
    }
    hi += (hi - lo) * 0.1;
    let step = if points.len() > 1 {
        plot_w / (points.len() - 1) as f64
    } else {
        0.0
    };
    let x_of = |i: usize| {
        left + if points.len() > 1 {
            step * i as f64
        } else {
            plot_w / 2.0
        }
    };
    let y_of = |v: f64| top + plot_h * (1.0 - (v - lo) / (hi - lo));
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="gt-chart" id="{id}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(description)
    );
    for k in 0..=4 {
        let v = lo + (hi - lo) * k as f64 / 4.0;
        let y = y_of(v);
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#b1b4b6"/><text x="{}" y="{:.1}" font-size="12" text-anchor="end" fill="#0b0c0c">{}</text>"##,
            width - 20.0,
            left - 6.0,
            y + 4.0,
            short_number(v)
        );
    }
    let path = |select: &dyn Fn(&Point) -> Option<f64>| {
        let mut d = String::new();
        let mut pen_down = false;
        for (i, p) in points.iter().enumerate() {
            match select(p) {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{:.1},{:.1} ",
                        if pen_down { "L" } else { "M" },
                        x_of(i),
                        y_of(v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        d
    };
    let target_path = path(&|p: &Point| p.target);
    if !target_path.is_empty() {
        let _ = write!(
            svg,
            r##"<path d="{target_path}" fill="none" stroke="#0b0c0c" stroke-width="2" stroke-dasharray="6 4"/>"##
        );
    }
    let value_path = path(&|p: &Point| p.value);
    if !value_path.is_empty() {
        let _ = write!(
            svg,
            r##"<path d="{value_path}" fill="none" stroke="#1d70b8" stroke-width="3"/>"##
        );
    }
    let label_every = points.len().div_ceil(12).max(1);
    for (i, p) in points.iter().enumerate() {
        let x = x_of(i);
        if let Some(t) = p.target {
            let _ = write!(
                svg,
                r##"<rect x="{:.1}" y="{:.1}" width="8" height="8" fill="#ffffff" stroke="#0b0c0c" stroke-width="2"/>"##,
                x - 4.0,
                y_of(t) - 4.0
            );
        }
        if let Some(v) = p.value {
            let _ = write!(
                svg,
                r##"<circle cx="{x:.1}" cy="{:.1}" r="5" fill="#1d70b8" stroke="#0b0c0c"/>"##,
                y_of(v)
            );
        }
        if i % label_every == 0 || i + 1 == points.len() {
            let _ = write!(
                svg,
                r##"<text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="end" transform="rotate(-35 {x:.1} {:.1})" fill="#0b0c0c">{}</text>"##,
                height - bottom + 16.0,
                height - bottom + 16.0,
                esc(&p.label)
            );
        }
    }
    let _ = write!(
        svg,
        r##"<g font-size="12" fill="#0b0c0c"><circle cx="{left}" cy="12" r="5" fill="#1d70b8" stroke="#0b0c0c"/><text x="{}" y="16">Value (solid line)</text><rect x="{}" y="8" width="8" height="8" fill="#ffffff" stroke="#0b0c0c" stroke-width="2"/><text x="{}" y="16">Target (dashed line)</text></g>"##,
        left + 10.0,
        left + 150.0,
        left + 164.0
    );
    svg.push_str("</svg>");
    svg
}

fn short_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1_000_000.0 {
        format!("{:.1}m", v / 1_000_000.0)
    } else if a >= 10_000.0 {
        format!("{:.0}k", v / 1_000.0)
    } else if a >= 100.0 || v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_carry_their_values_as_text_and_escape_labels() {
        let svg = percent_bars(
            "c",
            "Share <on track>",
            "desc",
            &[
                Bar {
                    label: "Q1".into(),
                    percent: Some(62.4),
                },
                Bar {
                    label: "Q2".into(),
                    percent: None,
                },
            ],
        );
        assert!(svg.contains("62%"));
        assert!(svg.contains("no data"));
        assert!(svg.contains("Share &lt;on track&gt;"));
        assert!(svg.contains(r#"role="img""#));
    }

    #[test]
    fn value_chart_draws_both_series_and_breaks_at_gaps() {
        let points = vec![
            Point {
                label: "Q1".into(),
                value: Some(1.0),
                target: Some(2.0),
            },
            Point {
                label: "Q2".into(),
                value: None,
                target: Some(2.0),
            },
            Point {
                label: "Q3".into(),
                value: Some(3.0),
                target: Some(2.0),
            },
        ];
        let svg = values_against_targets("v", "t", "d", &points);
        assert_eq!(
            svg.matches("<circle").count(),
            3,
            "two values and the legend"
        );
        assert!(svg.contains("stroke-dasharray"));
        let value_path = svg
            .split(r##"stroke="#1d70b8" stroke-width="3""##)
            .next()
            .unwrap();
        assert_eq!(
            value_path
                .rsplit("<path d=\"")
                .next()
                .unwrap()
                .matches('M')
                .count(),
            2,
            "the gap lifts the pen"
        );
    }
}
