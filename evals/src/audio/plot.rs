//! Rate–quality plots as SVG: mean kbps (log scale) against mean narrowband PESQ, and
//! against STOI, one line per contender. Text is written as SVG `<text>` elements (no
//! fonts are read), so drawing works on any machine.

use plotters::prelude::*;

use super::runner::{AudioReport, CurvePoint};
use crate::EvalError;

/// Each contender's line colour, the same in every plot; others are gray.
const COLORS: [(&str, RGBColor); 4] = [
    ("ncodec", RGBColor(214, 39, 40)),
    ("opus", RGBColor(31, 119, 180)),
    ("codec2", RGBColor(44, 160, 44)),
    ("mp3", RGBColor(255, 127, 14)),
];

fn color(name: &str) -> RGBColor {
    COLORS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(RGBColor(127, 127, 127), |&(_, c)| c)
}

/// The report's curves as an SVG document: kbps against PESQ-NB (MOS-LQO) on the left,
/// against STOI on the right.
pub fn rate_quality_svg(report: &AudioReport) -> Result<String, EvalError> {
    let series = |metric: fn(&CurvePoint) -> Option<f64>| -> Vec<(String, Vec<(f64, f64)>)> {
        report
            .curves
            .iter()
            .map(|c| (c.contender.clone(), c.series(metric)))
            .collect()
    };
    let pesq = series(|p| p.pesq_nb);
    let stoi = series(|p| p.stoi);
    let n = report.files.len();
    let subtitle = format!("mean over {n} file{}", if n == 1 { "" } else { "s" });
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1200, 520)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (left, right) = root.split_horizontally(600);
        panel(
            &left,
            &format!("PESQ-NB, {subtitle}"),
            "PESQ-NB (MOS-LQO)",
            &pesq,
        )?;
        panel(&right, &format!("STOI, {subtitle}"), "STOI", &stoi)?;
        root.present().map_err(plot_error)?;
    }
    Ok(svg)
}

/// Round rates (1, 1.5, 2, 3, 4, 6, 8, 12, 16, … kbit/s) within `lo..=hi`, for the
/// log axis's labels.
fn rate_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut ticks = Vec::new();
    let mut decade = 0.01;
    while decade <= hi {
        for m in [1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0] {
            let t = m * decade;
            if (lo..=hi).contains(&t) {
                ticks.push(t);
            }
        }
        decade *= 10.0;
    }
    ticks
}

fn plot_error(e: impl std::fmt::Display) -> EvalError {
    EvalError::Plot(e.to_string())
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn panel(
    area: &Area<'_>,
    title: &str,
    y_desc: &str,
    series: &[(String, Vec<(f64, f64)>)],
) -> Result<(), EvalError> {
    let (mut x_min, mut x_max) = (f64::INFINITY, f64::NEG_INFINITY);
    let (mut y_min, mut y_max) = (f64::INFINITY, f64::NEG_INFINITY);
    for &(x, y) in series.iter().flat_map(|(_, pts)| pts) {
        x_min = x_min.min(x);
        x_max = x_max.max(x);
        y_min = y_min.min(y);
        y_max = y_max.max(y);
    }
    if !(y_min.is_finite() && x_min > 0.0) {
        // Nothing to draw (e.g. every file too short for STOI).
        (x_min, x_max, y_min, y_max) = (1.0, 10.0, 0.0, 1.0);
    }
    let pad = ((y_max - y_min) * 0.05).max(0.02);
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(55)
        .build_cartesian_2d(
            (x_min / 1.15..x_max * 1.15)
                .log_scale()
                .with_key_points(rate_ticks(x_min / 1.15, x_max * 1.15)),
            (y_min - pad)..(y_max + pad),
        )
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_desc("kbit/s (log scale)")
        .x_label_formatter(&|v| format!("{v}"))
        .y_desc(y_desc)
        .draw()
        .map_err(plot_error)?;
    let mut any = false;
    for (name, points) in series {
        if points.is_empty() {
            continue;
        }
        any = true;
        let color = color(name);
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            ))
            .map_err(plot_error)?
            .label(name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
            .map_err(plot_error)?;
    }
    if any {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(plot_error)?;
    }
    Ok(())
}
