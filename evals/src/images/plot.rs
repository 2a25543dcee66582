//! Rate–distortion plots as SVG: mean bits per pixel against mean PSNR, and against
//! MS-SSIM in dB, one line per lossy contender. Text is written as SVG `<text>`
//! elements (no fonts are read), so drawing works on any machine.

use plotters::prelude::*;

use super::runner::{Curve, ImageReport};
use crate::EvalError;

/// Line colours, one per curve in order (ncodec's curves come first in a report).
const COLORS: [RGBColor; 8] = [
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(31, 119, 180),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

/// The report's RD curves as an SVG document: bpp vs PSNR on the left, bpp vs MS-SSIM
/// (dB) on the right; lossless curves are left out (they have no quality axis).
pub fn rd_plot_svg(report: &ImageReport) -> Result<String, EvalError> {
    let curves: Vec<&Curve> = report.curves.iter().filter(|c| !c.lossless).collect();
    let psnr: Vec<(String, Vec<(f64, f64)>)> = curves
        .iter()
        .map(|c| (c.contender.clone(), c.psnr_points()))
        .collect();
    let ms: Vec<(String, Vec<(f64, f64)>)> = curves
        .iter()
        .map(|c| (c.contender.clone(), c.ms_ssim_db_points()))
        .collect();
    let n = report.images.len();
    let subtitle = format!("mean over {n} photo{}", if n == 1 { "" } else { "s" });
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1200, 520)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (left, right) = root.split_horizontally(600);
        panel(&left, &format!("PSNR, {subtitle}"), "PSNR (dB)", &psnr)?;
        panel(&right, &format!("MS-SSIM, {subtitle}"), "MS-SSIM (dB)", &ms)?;
        root.present().map_err(plot_error)?;
    }
    Ok(svg)
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
    let all = series.iter().flat_map(|(_, pts)| pts.iter().copied());
    let (mut x_max, mut y_min, mut y_max) = (0.0f64, f64::INFINITY, f64::NEG_INFINITY);
    for (x, y) in all {
        x_max = x_max.max(x);
        y_min = y_min.min(y);
        y_max = y_max.max(y);
    }
    if !y_min.is_finite() {
        // Nothing to draw (e.g. no photo is large enough for MS-SSIM).
        (x_max, y_min, y_max) = (1.0, 0.0, 1.0);
    }
    let pad = ((y_max - y_min) * 0.05).max(0.5);
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(55)
        .build_cartesian_2d(0.0..x_max * 1.05, (y_min - pad)..(y_max + pad))
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .x_desc("bits per pixel")
        .y_desc(y_desc)
        .draw()
        .map_err(plot_error)?;
    let mut any = false;
    for (i, (name, points)) in series.iter().enumerate() {
        if points.is_empty() {
            continue;
        }
        any = true;
        let color = COLORS[i % COLORS.len()];
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
