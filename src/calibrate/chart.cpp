// Self-contained SVG charts (leadscore/chart.hpp): titles, axes with ticks
// and labels, legends.
#include "leadscore/chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "leadscore/calibrate.hpp"
#include "leadscore/text.hpp"

namespace leadscore {
namespace {

constexpr const char* kColors[] = {"#2b6cb0", "#dd6b20", "#2f855a", "#6b46c1",
                                   "#b83280", "#2c7a7b", "#975a16", "#718096"};
constexpr double kCharWidth = 6.6;  // average width of an 11px sans-serif character

std::string n1(double v) { return format_number(v, 1); }

double text_width(std::string_view s) { return kCharWidth * static_cast<double>(s.size()); }

const char* color(std::size_t i) { return kColors[i % std::size(kColors)]; }

/// An axis from 0 to `max` in "nice" steps (1, 2, 2.5 or 5 times a power of ten).
struct Ticks {
  double step = 1;
  double max = 1;
  int decimals = 0;
};

Ticks nice_ticks(double max, bool whole) {
  if (!(max > 0) || !std::isfinite(max)) max = 1;
  const double raw = max / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  Ticks t;
  t.step = 10 * mag;
  for (const double m : {1.0, 2.0, 2.5, 5.0}) {
    if (m * mag >= raw) {
      t.step = m * mag;
      break;
    }
  }
  if (whole) t.step = std::max(1.0, std::round(t.step));
  t.max = std::ceil(max / t.step - 1e-9) * t.step;
  t.decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(t.step) - 1e-9)) + 1);
  return t;
}

std::string tick_text(double v, const Ticks& t, bool percent) {
  if (percent) return format_number(v * 100, std::max(0, t.decimals - 2)) + "%";
  return format_number(v, t.decimals);
}

std::string text(double x, double y, std::string_view cls, std::string_view body,
                 std::string_view anchor = "start", std::string_view extra = "") {
  std::string s = "<text class=\"" + std::string(cls) + "\" x=\"" + n1(x) + "\" y=\"" + n1(y) +
                  "\" text-anchor=\"" + std::string(anchor) + "\"";
  if (!extra.empty()) {
    s += ' ';
    s += extra;
  }
  return s + ">" + escape_html(body) + "</text>";
}

std::string line(double x1, double y1, double x2, double y2, std::string_view attrs) {
  return "<line x1=\"" + n1(x1) + "\" y1=\"" + n1(y1) + "\" x2=\"" + n1(x2) + "\" y2=\"" + n1(y2) +
         "\" " + std::string(attrs) + "/>";
}

std::string rect(double x, double y, double w, double h, std::string_view fill,
                 std::string_view tip = "") {
  std::string s = "<rect x=\"" + n1(x) + "\" y=\"" + n1(y) + "\" width=\"" + n1(std::max(0.0, w)) +
                  "\" height=\"" + n1(std::max(0.0, h)) + "\" fill=\"" + std::string(fill) + "\"";
  if (tip.empty()) return s + "/>";
  return s + "><title>" + escape_html(tip) + "</title></rect>";
}

/// The opening of a chart: the svg element, its style and title.
std::string open_chart(std::string_view kind, double w, double h, const std::string& title) {
  // Inline SVG in HTML: no xmlns needed (and no URL on the page).
  return "<svg class=\"chart\" data-chart=\"" + std::string(kind) + "\" viewBox=\"0 0 " + n1(w) +
         " " + n1(h) + "\" width=\"" + n1(w) + "\" height=\"" + n1(h) +
         "\" role=\"img\" aria-label=\"" + escape_html(title) +
         "\" font-family=\"system-ui, sans-serif\" font-size=\"11\">" +
         "<style>.chart-title{font-size:14px;font-weight:600}.axis-label{font-size:12px}"
         ".tick-label,.legend text{font-size:11px}</style>" +
         text(8, 18, "chart-title", title);
}

/// A legend row: colour swatches (or dashed lines) with their names.
struct LegendItem {
  std::string name;
  std::string color;
  bool dashed = false;
};

std::string legend(const std::vector<LegendItem>& items, double x, double y) {
  std::string s = "<g class=\"legend\">";
  for (const LegendItem& it : items) {
    if (it.dashed) {
      s += line(x, y - 4, x + 14, y - 4,
                "stroke=\"" + it.color + "\" stroke-width=\"2\" stroke-dasharray=\"4 3\"");
    } else {
      s += rect(x, y - 9, 12, 10, it.color);
    }
    s += text(x + 18, y, "legend-label", it.name);
    x += 18 + text_width(it.name) + 18;
  }
  return s + "</g>";
}

/// The plot area of a chart, in SVG coordinates.
struct Plot {
  double left, top, right, bottom;
  [[nodiscard]] double width() const { return right - left; }
  [[nodiscard]] double height() const { return bottom - top; }
};

/// A value axis along y (0 at the bottom), with gridlines across the plot.
std::string y_axis(const Plot& p, const Ticks& t, bool percent, const std::string& label) {
  std::string s = "<g class=\"axis y-axis\">";
  s += line(p.left, p.top, p.left, p.bottom, "stroke=\"#444\"");
  for (double v = 0; v <= t.max + t.step / 2; v += t.step) {
    const double y = p.bottom - p.height() * v / t.max;
    s += line(p.left - 5, y, p.left, y, "class=\"tick\" stroke=\"#444\"");
    if (v > 0) s += line(p.left, y, p.right, y, "stroke=\"#e2e2e2\"");
    s += text(p.left - 8, y + 4, "tick-label", tick_text(v, t, percent), "end");
  }
  const double cx = 14, cy = (p.top + p.bottom) / 2;
  s += text(cx, cy, "axis-label", label, "middle",
            "transform=\"rotate(-90 " + n1(cx) + " " + n1(cy) + ")\"");
  return s + "</g>";
}

/// A value axis along x (0 at the left), with gridlines up the plot.
std::string x_value_axis(const Plot& p, const Ticks& t, bool percent, const std::string& label) {
  std::string s = "<g class=\"axis x-axis\">";
  s += line(p.left, p.bottom, p.right, p.bottom, "stroke=\"#444\"");
  for (double v = 0; v <= t.max + t.step / 2; v += t.step) {
    const double x = p.left + p.width() * v / t.max;
    s += line(x, p.bottom, x, p.bottom + 5, "class=\"tick\" stroke=\"#444\"");
    if (v > 0) s += line(x, p.top, x, p.bottom, "stroke=\"#e2e2e2\"");
    s += text(x, p.bottom + 17, "tick-label", tick_text(v, t, percent), "middle");
  }
  s += text((p.left + p.right) / 2, p.bottom + 34, "axis-label", label, "middle");
  return s + "</g>";
}

/// A category axis along x: a tick and a label per category (every k-th
/// label when they would overlap).
std::string x_category_axis(const Plot& p, const std::vector<std::string>& categories,
                            const std::string& label) {
  std::string s = "<g class=\"axis x-axis\">";
  s += line(p.left, p.bottom, p.right, p.bottom, "stroke=\"#444\"");
  const std::size_t n = std::max<std::size_t>(1, categories.size());
  const double slot = p.width() / static_cast<double>(n);
  double widest = 0;
  for (const std::string& c : categories) widest = std::max(widest, text_width(c));
  const auto stride = static_cast<std::size_t>(std::max(1.0, std::ceil((widest + 6) / slot)));
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const double x = p.left + slot * (static_cast<double>(i) + 0.5);
    s += line(x, p.bottom, x, p.bottom + 5, "class=\"tick\" stroke=\"#444\"");
    if (i % stride == 0) s += text(x, p.bottom + 17, "tick-label", categories[i], "middle");
  }
  s += text((p.left + p.right) / 2, p.bottom + 34, "axis-label", label, "middle");
  return s + "</g>";
}

/// Room left of the plot for the y axis label and the widest tick label of `t`.
double y_label_room(const Ticks& t, bool percent) {
  double widest = 0;
  for (double v = 0; v <= t.max + t.step / 2; v += t.step)
    widest = std::max(widest, text_width(tick_text(v, t, percent)));
  return 34 + widest;
}

}  // namespace

std::string bar_chart_svg(const BarChart& c) {
  double top_value = c.reference.value_or(0);
  for (const ChartSeries& s : c.series) {
    for (const double v : s.values) top_value = std::max(top_value, v);
  }
  const Ticks t = nice_ticks(top_value, false);
  const double w = 600, h = 300;
  const Plot p{y_label_room(t, c.percent), 58, w - 16, h - 48};
  std::string s = open_chart("bar", w, h, c.title);
  std::vector<LegendItem> items;
  for (std::size_t k = 0; k < c.series.size(); ++k) items.push_back({c.series[k].name, color(k)});
  if (c.reference) items.push_back({c.reference_label, "#c05621", true});
  s += legend(items, p.left, 38);
  s += y_axis(p, t, c.percent, c.y_label);
  const std::size_t n = std::max<std::size_t>(1, c.categories.size());
  const double slot = p.width() / static_cast<double>(n);
  const double group = slot * 0.8;
  const double bw = group / static_cast<double>(std::max<std::size_t>(1, c.series.size()));
  s += "<g class=\"bars\">";
  for (std::size_t i = 0; i < c.categories.size(); ++i) {
    for (std::size_t k = 0; k < c.series.size(); ++k) {
      if (i >= c.series[k].values.size()) continue;
      const double v = std::max(0.0, c.series[k].values[i]);
      const double bh = p.height() * v / t.max;
      const double x =
          p.left + slot * static_cast<double>(i) + slot * 0.1 + bw * static_cast<double>(k);
      s += rect(x, p.bottom - bh, bw - 1, bh, color(k),
                c.series[k].name + ", " + c.categories[i] + ": " +
                    (c.percent ? format_number(v * 100, 1) + "%" : format_number(v)));
    }
  }
  s += "</g>";
  if (c.reference) {
    const double y = p.bottom - p.height() * *c.reference / t.max;
    s += line(p.left, y, p.right, y,
              "class=\"reference\" stroke=\"#c05621\" stroke-width=\"1.5\" "
              "stroke-dasharray=\"5 4\"");
  }
  s += x_category_axis(p, c.categories, c.x_label);
  return s + "</svg>";
}

std::string curve_chart_svg(const CurveChart& c) {
  const Ticks t{0.2, 1, 1};
  const double w = 380, h = 400;
  const Plot p{y_label_room(t, false), 58, w - 20, h - 48};
  std::string s = open_chart("curve", w, h, c.title);
  s += legend({{c.curve_name, color(0)}, {c.diagonal_name, "#999", true}}, p.left, 38);
  s += y_axis(p, t, false, c.y_label);
  s += x_value_axis(p, t, false, c.x_label);
  s += line(p.left, p.bottom, p.right, p.top,
            "class=\"reference\" stroke=\"#999\" stroke-dasharray=\"4 3\"");
  std::string points;
  for (const auto& [x, y] : c.points) {
    points += format_number(p.left + p.width() * x, 2) + "," +
              format_number(p.bottom - p.height() * y, 2) + " ";
  }
  s += "<polyline class=\"curve\" fill=\"none\" stroke=\"" + std::string(color(0)) +
       "\" stroke-width=\"2\" points=\"" + points + "\"/>";
  if (!c.note.empty()) s += text(p.right - 8, p.bottom - 10, "note", c.note, "end");
  return s + "</svg>";
}

std::string funnel_chart_svg(const FunnelChart& c) {
  std::uint64_t largest = 1;
  double names = 0, notes = 0;
  for (const FunnelStep& st : c.steps) {
    largest = std::max(largest, st.count);
    names = std::max(names, text_width(st.name));
    notes = std::max(notes, text_width(std::to_string(st.count) + "  " + st.note));
  }
  const Ticks t = nice_ticks(static_cast<double>(largest), true);
  const double row = 30, gap = 10;
  const double w = 36 + names + 12 + 440 + notes + 24;
  const double h = 58 + static_cast<double>(c.steps.size()) * (row + gap) + 48;
  const Plot p{36 + names + 12, 58, w - notes - 24, h - 48};
  std::string s = open_chart("funnel", w, h, c.title);
  s += legend({{c.legend, color(0)}}, p.left, 38);
  s += "<g class=\"axis y-axis\">";
  s += line(p.left, p.top, p.left, p.bottom, "stroke=\"#444\"");
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    const double y = p.top + gap / 2 + static_cast<double>(i) * (row + gap) + row / 2;
    s += line(p.left - 5, y, p.left, y, "class=\"tick\" stroke=\"#444\"");
    s += text(p.left - 8, y + 4, "tick-label", c.steps[i].name, "end");
  }
  const double cx = 14, cy = (p.top + p.bottom) / 2;
  s += text(cx, cy, "axis-label", c.y_label, "middle",
            "transform=\"rotate(-90 " + n1(cx) + " " + n1(cy) + ")\"");
  s += "</g>";
  s += x_value_axis(p, t, false, c.x_label);
  s += "<g class=\"bars\">";
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    const FunnelStep& st = c.steps[i];
    const double y = p.top + gap / 2 + static_cast<double>(i) * (row + gap);
    const double bw = p.width() * static_cast<double>(st.count) / t.max;
    s += rect(p.left, y, std::max(1.0, bw), row, color(0),
              st.name + ": " + std::to_string(st.count));
    s += text(p.left + bw + 8, y + row / 2 + 4, "value-label",
              std::to_string(st.count) + (st.note.empty() ? "" : "  " + st.note));
  }
  return s + "</g></svg>";
}

}  // namespace leadscore
