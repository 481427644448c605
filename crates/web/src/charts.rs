//! Charts as server-rendered SVG, drawn by plotters (no script, no hand-drawn SVG). Each chart
//! on a page comes with a table of the same numbers that links to the records, which is also
//! what a screen reader reads.

use plotters::prelude::*;

/// The accent colour of the pages (app.css `--accent`).
const BAR: RGBColor = RGBColor(158, 27, 27);

/// A label as plotters writes it into `<text>`: the characters XML treats specially dropped
/// (names come from records).
fn clean(label: &str) -> String {
    label
        .chars()
        .filter(|c| !matches!(c, '<' | '>' | '&' | '"' | '\''))
        .take(12)
        .collect()
}

/// The labels' size in pixels; a CJK character is about as wide.
const LABEL_PX: u32 = 12;

/// A vertical bar chart of `bars` (label, value), `width` × `height` pixels, as an `<svg>`;
/// the value axis's labels end in `suffix` ("%" for rates in whole percent).
pub fn bars(
    bars: &[(String, i64)],
    width: u32,
    height: u32,
    suffix: &str,
) -> Result<String, String> {
    let labels: Vec<String> = bars.iter().map(|(l, _)| clean(l)).collect();
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let n = u32::try_from(bars.len()).map_err(|e| e.to_string())?.max(1);
    // Labels wider than their bar (a city's 23 towns) stand upright instead of overlapping.
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as u32;
    let upright = longest * LABEL_PX > width.saturating_sub(52) / n;
    let label_area = if upright {
        (longest * LABEL_PX + 8).min(height / 2)
    } else {
        36
    };
    let label_font = if upright {
        ("sans-serif", LABEL_PX)
            .into_font()
            .transform(FontTransform::Rotate90)
    } else {
        ("sans-serif", LABEL_PX).into_font()
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(label_area)
            .y_label_area_size(44)
            .build_cartesian_2d((0u32..n).into_segmented(), 0i64..(max + max / 8 + 1))
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(bars.len().max(1))
            .y_labels(5)
            .y_label_formatter(&|v| format!("{v}{suffix}"))
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .label_style(("sans-serif", LABEL_PX))
            .x_label_style(label_font)
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, (_, v))| {
                let i = i as u32;
                let mut r = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0),
                        (SegmentValue::Exact(i + 1), *v),
                    ],
                    BAR.filled(),
                );
                r.set_margin(0, 0, 3, 3);
                r
            }))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_chart_is_svg_with_its_labels_and_one_bar_per_value() {
        let svg = super::bars(
            &[
                ("1月".into(), 3),
                ("2月".into(), 0),
                ("店口镇<script>".into(), 7),
            ],
            480,
            240,
            "",
        )
        .unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("1月") && svg.contains("店口镇script"));
        assert!(!svg.contains("<script"));
        assert!(svg.matches("<rect").count() >= 3, "{svg}");
        assert!(!svg.contains("rotate("), "three short labels lie flat");
    }

    #[test]
    fn many_long_labels_stand_upright() {
        let towns: Vec<(String, i64)> = (0..23).map(|i| (format!("某某镇{i}号街道"), i)).collect();
        let svg = super::bars(&towns, 440, 260, "").unwrap();
        assert!(svg.contains("rotate("), "{svg}");
    }
}
