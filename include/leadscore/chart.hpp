// leadscore/chart.hpp — small self-contained SVG charts for the HTML pages of
// the calibration report and of `leadscore report`.
//
// Every chart reads without hovering: a title, an x and a y axis with ticks,
// tick labels and an axis label, and a legend. The markup names its parts
// (class "chart-title", "axis x-axis", "axis y-axis", "tick", "tick-label",
// "axis-label", "legend") so that tests can check them in a browser. Pure
// functions of their input; no script, no external resource.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "leadscore/export.hpp"

namespace leadscore {

/// One named series of values (one per category of a bar chart).
struct ChartSeries {
  std::string name;
  std::vector<double> values;
};

/// Bars grouped by category along x; y from 0 to a rounded maximum.
struct BarChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<std::string> categories;
  std::vector<ChartSeries> series;  ///< one bar per series in each category
  bool percent = false;             ///< values are shares in 0..1, shown as percentages
  std::optional<double> reference;  ///< a dashed horizontal line at this value
  std::string reference_label;      ///< its legend entry
};
LEADSCORE_EXPORT std::string bar_chart_svg(const BarChart& chart);

/// A curve in the unit square with the dashed diagonal y = x (a ROC curve).
struct CurveChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<std::pair<double, double>> points;  ///< (x, y) in [0, 1]
  std::string curve_name;                         ///< legend entry of the curve
  std::string diagonal_name;                      ///< legend entry of the diagonal
  std::string note;                               ///< shown inside the plot, e.g. "AUC 0.791"
};
LEADSCORE_EXPORT std::string curve_chart_svg(const CurveChart& chart);

/// One row of a funnel.
struct FunnelStep {
  std::string name;
  std::uint64_t count = 0;
  std::string note;  ///< shown after the count, e.g. "42% of the row above"
};

/// A funnel as a top-down ladder: one left-aligned bar per row, widest
/// first, on a count axis, each row labelled with its count and note.
struct FunnelChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<FunnelStep> steps;
  std::string legend;  ///< what a bar is, e.g. "leads at this stage or a later one"
};
LEADSCORE_EXPORT std::string funnel_chart_svg(const FunnelChart& chart);

}  // namespace leadscore
