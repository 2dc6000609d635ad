// Calibration: rule points and stage thresholds learned from outcomes
// (leadscore/calibrate.hpp, docs/calibration.md).
#include "leadscore/calibrate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wshadow"
#endif
#include <Eigen/Dense>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include "leadscore/qualifier.hpp"

namespace leadscore {
namespace {

Diagnostic calibration_error(std::string message, std::string pointer = {}) {
  Diagnostic d;
  d.code = "calibration_error";
  d.pointer = std::move(pointer);
  d.message = std::move(message);
  return d;
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Newton tolerance of the cross-validation fits (they only score leads).
constexpr double kCvTolerance = 1e-6;

std::string fmt(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string fmt_fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// ---------------------------------------------------------------------------
// Fields and event types a configuration uses
// ---------------------------------------------------------------------------

void collect_used(const Condition& c, std::set<std::string>& fields,
                  std::set<std::string>& events) {
  if (!c.field.empty()) fields.insert(c.field);
  for (const auto& t : c.event_types) events.insert(t);
  for (const auto& w : c.where) collect_used(w, fields, events);
  for (const auto& ch : c.children) collect_used(ch, fields, events);
}

// ---------------------------------------------------------------------------
// Candidate features
// ---------------------------------------------------------------------------

struct Feature {
  std::string rule_id;
  RuleKind kind = RuleKind::fit;
  bool candidate = false;
  std::size_t rule_index = 0;  // original rules: index in config.rules
  Rule rule;                   // candidates: the rule (points filled in at the end)
  std::string group;           // candidates: field (bins / values of one field exclude each other)
  double cap_events = 0;       // behaviour rules: cap in events (0 = none)
  bool active = true;          // kept in the regression
  std::size_t support = 0;
};

std::string sanitize_id(std::string_view s) {
  std::string out;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-' || c == ':';
    out += ok ? c : '_';
  }
  if (out.empty()) out = "empty";
  return out;
}

std::string attribute_name(const std::string& field) {
  return field.rfind("attributes.", 0) == 0 ? field.substr(11) : field;
}

const Value* find_value(const Lead& lead, const std::string& field) {
  if (field.rfind("attributes.", 0) != 0) return nullptr;
  const auto it = lead.attributes.find(std::string_view(field).substr(11));
  return it == lead.attributes.end() ? nullptr : &it->second;
}

struct CandidateRule {
  Rule rule;
  std::string group;
};

// Candidate rules of one attribute, from the training leads.
std::vector<CandidateRule> make_candidates(const CandidateAttribute& cand,
                                           std::span<const Lead> leads,
                                           const std::vector<std::size_t>& train,
                                           const CalibrationOptions& options) {
  std::vector<CandidateRule> out;
  const std::string name = attribute_name(cand.field);
  const std::string base_id = "cal." + sanitize_id(name);
  auto add = [&](std::string suffix, Condition when, std::string description) {
    Rule r;
    r.id = base_id + "." + sanitize_id(suffix);
    r.kind = cand.kind;
    r.when = std::move(when);
    r.points = 1;
    r.description = std::move(description);
    out.push_back({std::move(r), cand.field});
  };
  const std::size_t min_support = std::max<std::size_t>(1, options.min_support);
  if (cand.type == CandidateAttribute::Type::numeric) {
    std::vector<double> values;
    std::size_t missing = 0;
    for (std::size_t i : train) {
      const Value* v = find_value(leads[i], cand.field);
      const double* d = v ? std::get_if<double>(v) : nullptr;
      if (d && std::isfinite(*d)) {
        values.push_back(*d);
      } else {
        ++missing;
      }
    }
    if (values.size() >= min_support && missing >= min_support) {
      add("missing", cond::field(cand.field).missing(), name + " is missing");
    }
    if (values.size() < 2 * min_support) return out;
    std::sort(values.begin(), values.end());
    const bool integral = std::all_of(values.begin(), values.end(), [](double d) {
      return d == std::floor(d) && std::fabs(d) < 1e15;
    });
    const std::size_t bins = std::max<std::size_t>(2, cand.bins ? cand.bins : options.bins);
    std::vector<double> cuts;  // bin k = [cuts[k-1], cuts[k]); first from -inf, last to +inf
    for (std::size_t k = 1; k < bins; ++k) {
      const double c = values[k * values.size() / bins];
      if (c > values.front() && (cuts.empty() || c > cuts.back())) cuts.push_back(c);
    }
    // Merge bins with too little support (each bin must hold min_support values).
    auto count_in = [&](double lo, double hi, bool lo_inf, bool hi_inf) {
      const auto a = lo_inf ? values.begin() : std::lower_bound(values.begin(), values.end(), lo);
      const auto b = hi_inf ? values.end() : std::lower_bound(values.begin(), values.end(), hi);
      return static_cast<std::size_t>(b - a);
    };
    for (bool changed = true; changed && !cuts.empty();) {
      changed = false;
      for (std::size_t k = 0; k <= cuts.size(); ++k) {
        const bool lo_inf = k == 0;
        const bool hi_inf = k == cuts.size();
        const std::size_t n =
            count_in(lo_inf ? 0 : cuts[k - 1], hi_inf ? 0 : cuts[k], lo_inf, hi_inf);
        if (n < min_support) {
          cuts.erase(cuts.begin() + static_cast<std::ptrdiff_t>(hi_inf ? k - 1 : k));
          changed = true;
          break;
        }
      }
    }
    if (cuts.empty()) return out;
    for (std::size_t k = 0; k <= cuts.size(); ++k) {
      if (k == 0) {
        add("lt_" + fmt(cuts[0]), cond::field(cand.field).lt(cuts[0]),
            name + " below " + fmt(cuts[0]));
      } else if (k == cuts.size()) {
        add("gte_" + fmt(cuts[k - 1]), cond::field(cand.field).gte(cuts[k - 1]),
            name + " " + fmt(cuts[k - 1]) + " or more");
      } else if (integral) {
        const double lo = cuts[k - 1];
        const double hi = cuts[k] - 1;
        if (lo == hi) {
          add(fmt(lo), cond::field(cand.field).eq(lo), name + " = " + fmt(lo));
        } else {
          add(fmt(lo) + "_" + fmt(hi), cond::field(cand.field).between(lo, hi),
              name + " " + fmt(lo) + " to " + fmt(hi));
        }
      } else {
        add(fmt(cuts[k - 1]) + "_" + fmt(cuts[k]),
            cond::all(
                {cond::field(cand.field).gte(cuts[k - 1]), cond::field(cand.field).lt(cuts[k])}),
            name + " from " + fmt(cuts[k - 1]) + " to below " + fmt(cuts[k]));
      }
    }
    return out;
  }
  if (cand.type == CandidateAttribute::Type::boolean) {
    std::size_t yes = 0, no = 0;
    for (std::size_t i : train) {
      const Value* v = find_value(leads[i], cand.field);
      if (const bool* b = v ? std::get_if<bool>(v) : nullptr) (*b ? yes : no) += 1;
    }
    if (yes >= min_support) add("true", cond::field(cand.field).eq(true), name + " is true");
    if (no >= min_support) add("false", cond::field(cand.field).eq(false), name + " is false");
    return out;
  }
  // categorical
  std::map<std::string, std::size_t> counts;
  for (std::size_t i : train) {
    const Value* v = find_value(leads[i], cand.field);
    if (const std::string* s = v ? std::get_if<std::string>(v) : nullptr) ++counts[*s];
  }
  std::vector<std::pair<std::string, std::size_t>> ranked(counts.begin(), counts.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (ranked.size() > options.max_values) ranked.resize(options.max_values);
  std::sort(ranked.begin(), ranked.end());
  for (const auto& [value, n] : ranked) {
    if (n < min_support) continue;
    add(value, cond::field(cand.field).eq(value), name + " is \"" + value + "\"");
  }
  return out;
}

// ---------------------------------------------------------------------------
// Feature extraction. Conditions rules are packed 30 per score into one
// Qualifier with points 2^k, so one allocation-free qualify() evaluates 60
// rules and the bits of the fit and engagement scores tell which held.
// Behaviour rules get a Qualifier each (points 1 per event, same window,
// decay and cap in events): the engagement score is the feature.
// ---------------------------------------------------------------------------

using SparseRow = std::vector<std::pair<std::uint32_t, double>>;

struct Probe {
  Qualifier qualifier;
  std::vector<std::uint32_t> fit_features;         // bit k of fit -> feature
  std::vector<std::uint32_t> engagement_features;  // bit k of engagement -> feature
  std::int64_t behavior_feature = -1;              // engagement = the feature's value
};

Config probe_base(const Config& config) {
  Config c;
  c.options = config.options;
  c.scores.fit.min = 0;
  c.scores.engagement.min = 0;
  c.grades = Grades{};
  return c;
}

Rule feature_rule(const Feature& f, const Config& config) {
  if (f.candidate) return f.rule;
  Rule r = config.rules[f.rule_index];
  r.description.clear();
  if (r.kind == RuleKind::behavior) {
    r.points = 1;
    r.max_points.reset();
    if (f.cap_events > 0) r.max_points = f.cap_events;
  }
  return r;
}

// Probes for features[first, last).
Result<std::vector<Probe>> build_probes(const Config& config, const std::vector<Feature>& features,
                                        std::size_t first, std::size_t last) {
  std::vector<Probe> probes;
  constexpr std::uint32_t kBits = 30;
  std::vector<Diagnostic> errors;
  Config current = probe_base(config);
  std::vector<std::uint32_t> fit_f, eng_f;
  auto flush = [&]() -> bool {
    if (fit_f.empty() && eng_f.empty()) return true;
    Result<Qualifier> q = Qualifier::build(current);
    if (!q) {
      for (const auto& d : q.diagnostics()) {
        if (d.is_error()) errors.push_back(d);
      }
      return false;
    }
    probes.push_back({std::move(q).value(), fit_f, eng_f, -1});
    current = probe_base(config);
    fit_f.clear();
    eng_f.clear();
    return true;
  };
  for (auto j = static_cast<std::uint32_t>(first); j < last; ++j) {
    const Feature& f = features[j];
    Rule r = feature_rule(f, config);
    if (r.kind == RuleKind::behavior) {
      Config c = probe_base(config);
      c.rules.push_back(std::move(r));
      Result<Qualifier> q = Qualifier::build(std::move(c));
      if (!q) {
        for (const auto& d : q.diagnostics()) {
          if (d.is_error()) errors.push_back(d);
        }
        continue;
      }
      probes.push_back({std::move(q).value(), {}, {}, static_cast<std::int64_t>(j)});
      continue;
    }
    std::vector<std::uint32_t>& list = r.kind == RuleKind::fit ? fit_f : eng_f;
    r.points = std::ldexp(1.0, static_cast<int>(list.size()));
    list.push_back(j);
    current.rules.push_back(std::move(r));
    if (fit_f.size() == kBits || eng_f.size() == kBits) flush();
  }
  flush();
  if (!errors.empty()) {
    for (auto& d : errors) d.message = "calibration feature rule: " + d.message;
    return errors;
  }
  return probes;
}

// Appends the features of the probes that are non-zero for the lead (the
// caller sorts the row).
void extract_row(const std::vector<Probe>& probes, const Lead& lead, Instant as_of,
                 SparseRow& row) {
  for (const Probe& p : probes) {
    const Qualification q = p.qualifier.qualify(lead, as_of);
    if (p.behavior_feature >= 0) {
      if (q.engagement != 0)
        row.emplace_back(static_cast<std::uint32_t>(p.behavior_feature), q.engagement);
      continue;
    }
    const auto fit_bits = static_cast<std::uint64_t>(std::llround(q.fit));
    const auto eng_bits = static_cast<std::uint64_t>(std::llround(q.engagement));
    for (std::size_t k = 0; k < p.fit_features.size(); ++k) {
      if ((fit_bits >> k) & 1u) row.emplace_back(p.fit_features[k], 1.0);
    }
    for (std::size_t k = 0; k < p.engagement_features.size(); ++k) {
      if ((eng_bits >> k) & 1u) row.emplace_back(p.engagement_features[k], 1.0);
    }
  }
}

// Runs body(i) for i in [0, n) on `threads` threads (0 = the cores) when n
// is at least min_parallel. Every i writes its own result, so the output
// does not depend on the number of threads.
template <class F>
void parallel_for(std::size_t n, unsigned threads, F&& body, std::size_t min_parallel = 1024) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  if (threads <= 1 || n < min_parallel || n < 2) {
    for (std::size_t i = 0; i < n; ++i) body(i);
    return;
  }
  std::vector<std::thread> pool;
  const std::size_t chunk = (n + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    const std::size_t begin = t * chunk;
    const std::size_t end = std::min(n, begin + chunk);
    if (begin >= end) break;
    pool.emplace_back([begin, end, &body] {
      for (std::size_t i = begin; i < end; ++i) body(i);
    });
  }
  for (auto& th : pool) th.join();
}

// ---------------------------------------------------------------------------
// L2-regularised logistic regression by Newton's method (IRLS)
// ---------------------------------------------------------------------------

struct Fit {
  double intercept = 0;
  std::vector<double> weights;
  int iterations = 0;
  bool converged = false;
};

// log(1 + e^eta) - y * eta (y is 0 or 1), computed stably.
double log_loss(double eta, double y) {
  const double soft = eta > 0 ? eta + std::log1p(std::exp(-eta)) : std::log1p(std::exp(eta));
  return soft - y * eta;
}

// Minimises sum_i log_loss(eta_i, y_i) + l2/2 |w|^2 over the rows `use`
// (all rows when empty), eta_i = intercept + w . row_i. `start` (intercept
// then weights, p + 1 values) warm-starts the solver. The Hessian is
// accumulated from the sparse rows through a raw pointer (this loop is the
// cost of the fit, also in unoptimised builds) and solved with Eigen's LDLT.
Fit fit_logistic(const std::vector<SparseRow>& rows, const std::vector<double>& y,
                 const std::vector<std::uint32_t>& use, std::size_t p, double l2,
                 int max_iterations, double tolerance, const std::vector<double>* start = nullptr) {
  const std::size_t n = use.empty() ? rows.size() : use.size();
  const auto row_at = [&](std::size_t k) -> std::size_t { return use.empty() ? k : use[k]; };
  const auto dim = static_cast<Eigen::Index>(p + 1);  // 0 = intercept
  const auto udim = static_cast<std::size_t>(dim);
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(dim);
  if (start != nullptr && start->size() == udim) {
    for (std::size_t j = 0; j < udim; ++j) beta[static_cast<Eigen::Index>(j)] = (*start)[j];
  } else {
    double positives = 0;
    for (std::size_t k = 0; k < n; ++k) positives += y[row_at(k)];
    const double rate = std::clamp(positives / static_cast<double>(n), 1e-6, 1 - 1e-6);
    beta[0] = std::log(rate / (1 - rate));
  }

  auto objective = [&](const Eigen::VectorXd& b) {
    const double* bp = b.data();
    double ll = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = row_at(k);
      double eta = bp[0];
      for (const auto& [j, v] : rows[i]) eta += bp[j + 1] * v;
      ll += log_loss(eta, y[i]);
    }
    return ll + 0.5 * l2 * b.tail(dim - 1).squaredNorm();
  };

  Fit fit;
  double current = objective(beta);
  Eigen::MatrixXd h(dim, dim);
  Eigen::VectorXd g(dim);
  for (int it = 0; it < max_iterations; ++it) {
    h.setZero();
    g.setZero();
    double* hp = h.data();  // column-major: (a, b) at a + b * dim; the upper triangle is filled
    double* gp = g.data();
    const double* bp = beta.data();
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = row_at(k);
      const SparseRow& row = rows[i];
      double eta = bp[0];
      for (const auto& [j, v] : row) eta += bp[j + 1] * v;
      const double mu = sigmoid(eta);
      const double w = std::max(mu * (1 - mu), 1e-12);
      const double r = y[i] - mu;
      gp[0] += r;
      hp[0] += w;
      const std::size_t m = row.size();
      for (std::size_t q = 0; q < m; ++q) {
        const std::size_t b = row[q].first + 1;
        const double wv = w * row[q].second;
        gp[b] += r * row[q].second;
        double* col = hp + b * udim;
        col[0] += wv;
        for (std::size_t s = 0; s <= q; ++s) col[row[s].first + 1] += wv * row[s].second;
      }
    }
    for (std::size_t a = 1; a < udim; ++a) {
      gp[a] -= l2 * bp[a];
      hp[a + a * udim] += l2;
    }
    // Symmetrise (the upper triangle was filled; rows are sorted by feature).
    for (std::size_t b = 0; b < udim; ++b) {
      for (std::size_t a = b + 1; a < udim; ++a) hp[a + b * udim] = hp[b + a * udim];
    }
    h.diagonal().array() += 1e-9;
    const Eigen::VectorXd step = h.ldlt().solve(g);
    double scale = 1;
    Eigen::VectorXd next = beta + step;
    double value = objective(next);
    for (int halvings = 0; value > current + 1e-12 && halvings < 30; ++halvings) {
      scale /= 2;
      next = beta + scale * step;
      value = objective(next);
    }
    beta = next;
    const double change = (scale * step).cwiseAbs().maxCoeff();
    current = value;
    fit.iterations = it + 1;
    if (change < tolerance) {
      fit.converged = true;
      break;
    }
  }
  fit.intercept = beta[0];
  fit.weights.resize(p);
  for (std::size_t j = 0; j < p; ++j) fit.weights[j] = beta[static_cast<Eigen::Index>(j) + 1];
  return fit;
}

std::vector<double> packed(const Fit& f) {
  std::vector<double> b;
  b.reserve(f.weights.size() + 1);
  b.push_back(f.intercept);
  b.insert(b.end(), f.weights.begin(), f.weights.end());
  return b;
}

double linear_predictor(const Fit& f, const SparseRow& row) {
  double eta = f.intercept;
  for (const auto& [j, v] : row) eta += f.weights[j] * v;
  return eta;
}

// ---------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------

SplitMetrics split_metrics(const std::vector<Qualification>& qs, const std::vector<bool>& y,
                           const std::vector<std::string_view>& stage_names,
                           const std::function<double(double)>& predicted) {
  SplitMetrics m;
  m.leads = qs.size();
  std::vector<double> scores(qs.size());
  for (std::size_t i = 0; i < qs.size(); ++i) {
    scores[i] = qs[i].total;
    if (y[i]) ++m.positives;
  }
  if (qs.empty()) return m;
  std::vector<char> yc(y.begin(), y.end());
  {
    std::unique_ptr<bool[]> tmp(new bool[y.size()]);
    for (std::size_t i = 0; i < y.size(); ++i) tmp[i] = y[i];
    m.auc = roc_auc(scores, std::span<const bool>(tmp.get(), y.size()));
  }
  const double base = m.leads ? static_cast<double>(m.positives) / static_cast<double>(m.leads) : 0;
  std::vector<std::size_t> idx(qs.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::stable_sort(idx.begin(), idx.end(),
                   [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  const std::size_t n = idx.size();
  for (std::size_t d = 0; d < 10 && n >= 10; ++d) {
    const std::size_t begin = d * n / 10;
    const std::size_t end = (d + 1) * n / 10;
    DecileRow row;
    row.leads = end - begin;
    row.max_total = scores[idx[begin]];
    row.min_total = scores[idx[end - 1]];
    double pred = 0;
    for (std::size_t k = begin; k < end; ++k) {
      if (yc[idx[k]]) ++row.positives;
      if (predicted) pred += predicted(scores[idx[k]]);
    }
    row.predicted = predicted ? pred / static_cast<double>(row.leads) : 0;
    row.observed = static_cast<double>(row.positives) / static_cast<double>(row.leads);
    row.lift = base > 0 ? row.observed / base : 0;
    m.deciles.push_back(row);
  }
  m.stages.resize(stage_names.size());
  for (std::size_t s = 0; s < stage_names.size(); ++s)
    m.stages[s].stage = std::string(stage_names[s]);
  for (std::size_t i = 0; i < qs.size(); ++i) {
    const std::size_t s = qs[i].stage_index < 0 ? stage_names.size() - 1
                                                : static_cast<std::size_t>(qs[i].stage_index);
    ++m.stages[s].leads;
    if (yc[i]) ++m.stages[s].positives;
  }
  for (auto& s : m.stages) {
    s.conversion = s.leads ? static_cast<double>(s.positives) / static_cast<double>(s.leads) : 0;
  }
  const auto [lo_it, hi_it] = std::minmax_element(scores.begin(), scores.end());
  const double lo = *lo_it;
  const double hi = *hi_it > lo ? *hi_it : lo + 1;
  constexpr std::size_t kBins = 20;
  for (std::size_t b = 0; b <= kBins; ++b) {
    m.histogram_edges.push_back(lo + (hi - lo) * static_cast<double>(b) / kBins);
  }
  m.histogram_converted.assign(kBins, 0);
  m.histogram_not_converted.assign(kBins, 0);
  for (std::size_t i = 0; i < qs.size(); ++i) {
    auto b = static_cast<std::size_t>((scores[i] - lo) / (hi - lo) * kBins);
    b = std::min(b, kBins - 1);
    (yc[i] ? m.histogram_converted : m.histogram_not_converted)[b] += 1;
  }
  return m;
}

// Maps a threshold on an original score to the calibrated score that selects
// the same number of training leads.
struct ScoreMap {
  std::vector<double> original;    // ascending
  std::vector<double> calibrated;  // ascending
  double map_at_or_above(double v) const {
    const auto k = static_cast<std::size_t>(original.end() -
                                            std::lower_bound(original.begin(), original.end(), v));
    if (k == 0) return calibrated.empty() ? v : calibrated.back() + 1;
    return calibrated[calibrated.size() - k];
  }
  double map_at_or_below(double v) const {
    const auto k = static_cast<std::size_t>(std::upper_bound(original.begin(), original.end(), v) -
                                            original.begin());
    if (k == 0) return calibrated.empty() ? v : calibrated.front() - 1;
    return calibrated[k - 1];
  }
};

void map_stage_condition(Condition& c, const std::map<std::string, ScoreMap>& maps,
                         const std::string& stage, std::vector<std::string>& changes) {
  for (auto& ch : c.children) map_stage_condition(ch, maps, stage, changes);
  if (c.kind != Condition::Kind::compare) return;
  const auto it = maps.find(c.field);
  if (it == maps.end()) return;
  const ScoreMap& sm = it->second;
  std::string before = c.field + " " + std::string(to_string(c.op)) + " ";
  if (const double* v = std::get_if<double>(&c.value)) {
    const double old = *v;
    double now = old;
    switch (c.op) {
      case Op::gte:
        now = sm.map_at_or_above(old);
        break;
      case Op::gt:
        now = sm.map_at_or_above(std::nextafter(old, HUGE_VAL)) - 1;
        break;
      case Op::lte:
        now = sm.map_at_or_below(old);
        break;
      case Op::lt:
        now = sm.map_at_or_below(std::nextafter(old, -HUGE_VAL)) + 1;
        break;
      default:
        return;
    }
    c.value = now;
    changes.push_back(stage + ": " + before + fmt(old) + " -> " + fmt(now));
  } else if (auto* list = std::get_if<std::vector<double>>(&c.value);
             list && c.op == Op::between && list->size() == 2) {
    const double lo = (*list)[0], hi = (*list)[1];
    (*list)[0] = sm.map_at_or_above(lo);
    (*list)[1] = sm.map_at_or_below(hi);
    changes.push_back(stage + ": " + before + "[" + fmt(lo) + ", " + fmt(hi) + "] -> [" +
                      fmt((*list)[0]) + ", " + fmt((*list)[1]) + "]");
  }
}

std::vector<Qualification> qualify_subset(const Qualifier& q, std::span<const Lead> leads,
                                          const std::vector<std::size_t>& subset,
                                          std::span<const Instant> as_of, unsigned threads) {
  std::vector<Qualification> out(subset.size());
  parallel_for(subset.size(), threads, [&](std::size_t k) {
    const std::size_t i = subset[k];
    out[k] = q.qualify(leads[i], as_of.size() == 1 ? as_of[0] : as_of[i]);
  });
  return out;
}

std::vector<bool> outcomes_of(std::span<const bool> outcomes,
                              const std::vector<std::size_t>& subset) {
  std::vector<bool> y(subset.size());
  for (std::size_t k = 0; k < subset.size(); ++k) y[k] = outcomes[subset[k]];
  return y;
}

std::string describe_condition(const Condition& c) {
  switch (c.kind) {
    case Condition::Kind::compare: {
      std::string s = c.field + " " + std::string(to_string(c.op));
      if (const auto* d = std::get_if<double>(&c.value)) s += " " + fmt(*d);
      if (const auto* b = std::get_if<bool>(&c.value)) s += *b ? " true" : " false";
      if (const auto* t = std::get_if<std::string>(&c.value)) s += " \"" + *t + "\"";
      if (const auto* l = std::get_if<std::vector<double>>(&c.value)) {
        s += " [";
        for (std::size_t i = 0; i < l->size(); ++i) s += (i ? ", " : "") + fmt((*l)[i]);
        s += "]";
      }
      return s;
    }
    case Condition::Kind::aggregate: {
      std::string s = std::string(to_string(c.measure)) + "(";
      for (std::size_t i = 0; i < c.event_types.size(); ++i) s += (i ? "," : "") + c.event_types[i];
      s += ") " + std::string(to_string(c.op));
      if (const auto* d = std::get_if<double>(&c.value)) s += " " + fmt(*d);
      return s;
    }
    case Condition::Kind::all:
    case Condition::Kind::any: {
      std::string s;
      for (std::size_t i = 0; i < c.children.size(); ++i) {
        s += (i ? (c.kind == Condition::Kind::all ? " and " : " or ") : "") +
             describe_condition(c.children[i]);
      }
      return s;
    }
    case Condition::Kind::negate:
      return "not (" + (c.children.empty() ? std::string() : describe_condition(c.children[0])) +
             ")";
  }
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------
// Public helpers
// ---------------------------------------------------------------------------

double roc_auc(std::span<const double> scores, std::span<const bool> outcomes) {
  const std::size_t n = std::min(scores.size(), outcomes.size());
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::sort(idx.begin(), idx.end(),
            [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double rank_sum = 0;
  double pos = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores[idx[j]] == scores[idx[i]]) ++j;
    const double avg_rank = (static_cast<double>(i) + static_cast<double>(j) + 1) / 2;  // 1-based
    for (std::size_t k = i; k < j; ++k) {
      if (outcomes[idx[k]]) {
        rank_sum += avg_rank;
        pos += 1;
      }
    }
    i = j;
  }
  const double neg = static_cast<double>(n) - pos;
  if (pos == 0 || neg == 0) return 0.5;
  return (rank_sum - pos * (pos + 1) / 2) / (pos * neg);
}

namespace {
// Distinct scores best first with cumulative volume and positives.
struct Cumulative {
  std::vector<double> threshold;
  std::vector<std::size_t> volume, positives;
};
Cumulative cumulate(std::span<const double> scores, std::span<const bool> outcomes) {
  const std::size_t n = std::min(scores.size(), outcomes.size());
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::sort(idx.begin(), idx.end(),
            [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  Cumulative c;
  std::size_t vol = 0, pos = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores[idx[j]] == scores[idx[i]]) {
      ++vol;
      if (outcomes[idx[j]]) ++pos;
      ++j;
    }
    c.threshold.push_back(scores[idx[i]]);
    c.volume.push_back(vol);
    c.positives.push_back(pos);
    i = j;
  }
  return c;
}
ThresholdRecommendation at(const Cumulative& c, std::size_t k, std::size_t n) {
  ThresholdRecommendation r;
  r.threshold = c.threshold[k];
  r.volume = c.volume[k];
  r.volume_share = n ? static_cast<double>(r.volume) / static_cast<double>(n) : 0;
  r.expected_conversion =
      r.volume ? static_cast<double>(c.positives[k]) / static_cast<double>(r.volume) : 0;
  return r;
}
}  // namespace

ThresholdRecommendation recommend_threshold_for_precision(std::span<const double> scores,
                                                          std::span<const bool> outcomes,
                                                          double precision) {
  const Cumulative c = cumulate(scores, outcomes);
  ThresholdRecommendation r;
  r.goal = "precision >= " + fmt(precision);
  if (c.threshold.empty()) {
    r.reachable = false;
    return r;
  }
  const std::size_t n = c.volume.back();
  std::optional<std::size_t> lowest;
  std::size_t best = 0;
  double best_precision = -1;
  for (std::size_t k = 0; k < c.threshold.size(); ++k) {
    const double p = static_cast<double>(c.positives[k]) / static_cast<double>(c.volume[k]);
    if (p >= precision) lowest = k;
    if (p > best_precision) {
      best_precision = p;
      best = k;
    }
  }
  const std::string goal = r.goal;
  r = at(c, lowest.value_or(best), n);
  r.goal = goal;
  r.reachable = lowest.has_value();
  return r;
}

ThresholdRecommendation recommend_threshold_for_capacity(std::span<const double> scores,
                                                         std::span<const bool> outcomes,
                                                         std::size_t capacity) {
  const Cumulative c = cumulate(scores, outcomes);
  ThresholdRecommendation r;
  r.goal = "top " + std::to_string(capacity);
  if (c.threshold.empty() || capacity == 0) {
    r.reachable = false;
    return r;
  }
  std::size_t k = 0;
  while (k + 1 < c.threshold.size() && c.volume[k] < capacity) ++k;
  const std::string goal = r.goal;
  r = at(c, k, c.volume.back());
  r.goal = goal;
  return r;
}

ThresholdOutcome evaluate_threshold(std::span<const double> scores, std::span<const bool> outcomes,
                                    double threshold) {
  ThresholdOutcome o;
  o.leads = std::min(scores.size(), outcomes.size());
  for (std::size_t i = 0; i < o.leads; ++i) {
    if (scores[i] >= threshold) {
      ++o.volume;
      if (outcomes[i]) ++o.positives;
    }
  }
  o.volume_share = o.leads ? static_cast<double>(o.volume) / static_cast<double>(o.leads) : 0;
  o.conversion = o.volume ? static_cast<double>(o.positives) / static_cast<double>(o.volume) : 0;
  return o;
}

// ---------------------------------------------------------------------------
// calibrate()
// ---------------------------------------------------------------------------

Result<Calibration> calibrate(const Config& config, std::span<const Lead> leads,
                              std::span<const bool> outcomes, std::span<const Instant> as_of,
                              const CalibrationOptions& options) {
  std::vector<Diagnostic> errors;
  if (outcomes.size() != leads.size()) {
    errors.push_back(calibration_error("outcomes has " + std::to_string(outcomes.size()) +
                                       " entries for " + std::to_string(leads.size()) + " leads"));
  }
  if (as_of.size() != 1 && as_of.size() != leads.size()) {
    errors.push_back(calibration_error("as_of needs one instant or one per lead"));
  }
  if (!(options.l2 >= 0) || !std::isfinite(options.l2))
    errors.push_back(calibration_error("l2 must be >= 0"));
  if (options.holdout_every == 0 || options.holdout_below >= options.holdout_every) {
    if (options.holdout_below != 0) {
      errors.push_back(calibration_error("holdout_below must be smaller than holdout_every"));
    }
  }
  if (config.scores.weights.fit <= 0 || config.scores.weights.engagement <= 0) {
    errors.push_back(calibration_error("calibration needs positive score weights (scores.weights)",
                                       "/scores/weights"));
  }
  Result<Qualifier> original = Qualifier::build(config);
  if (!original) {
    for (const auto& d : original.diagnostics()) {
      if (d.is_error()) errors.push_back(d);
    }
  }
  if (!errors.empty()) return errors;

  // Split.
  std::vector<std::size_t> train, holdout;
  std::size_t train_seen = 0;
  for (std::size_t i = 0; i < leads.size(); ++i) {
    const bool held =
        options.holdout_below > 0 && (i % options.holdout_every) < options.holdout_below;
    if (held) {
      holdout.push_back(i);
    } else if (train_seen++ % std::max<std::size_t>(1, options.train_stride) == 0) {
      train.push_back(i);
    }
  }
  std::size_t train_pos = 0;
  for (std::size_t i : train) train_pos += outcomes[i] ? 1u : 0u;
  if (train.empty() || train_pos == 0 || train_pos == train.size()) {
    return std::vector<Diagnostic>{calibration_error("the training leads need both outcomes (" +
                                                     std::to_string(train.size()) + " leads, " +
                                                     std::to_string(train_pos) + " converted)")};
  }

  // Fields and event types the configuration uses.
  std::set<std::string> used_fields, used_events;
  for (const auto& r : config.rules) {
    collect_used(r.when, used_fields, used_events);
    for (const auto& w : r.where) collect_used(w, used_fields, used_events);
    for (const auto& t : r.event_types) used_events.insert(t);
  }

  // Features: the configuration's scoring rules, then candidates.
  std::vector<Feature> features;
  for (std::size_t r = 0; r < config.rules.size(); ++r) {
    const Rule& rule = config.rules[r];
    if (rule.kind == RuleKind::knockout) continue;
    Feature f;
    f.rule_id = rule.id;
    f.kind = rule.kind;
    f.rule_index = r;
    if (rule.kind == RuleKind::behavior && rule.max_points && rule.points != 0) {
      f.cap_events = *rule.max_points / std::fabs(rule.points);
    }
    features.push_back(std::move(f));
  }
  const std::size_t original_features = features.size();

  std::vector<CandidateAttribute> candidates = options.candidates;
  {
    std::set<std::string> named;
    for (const auto& c : candidates) named.insert(c.field);
    if (options.auto_candidates) {
      std::map<std::string, CandidateAttribute::Type> seen;
      std::set<std::string> lists;
      for (std::size_t i : train) {
        for (const auto& [name, value] : leads[i].attributes) {
          if (seen.count(name) || lists.count(name)) continue;
          if (std::holds_alternative<double>(value)) {
            seen[name] = CandidateAttribute::Type::numeric;
          } else if (std::holds_alternative<bool>(value)) {
            seen[name] = CandidateAttribute::Type::boolean;
          } else if (std::holds_alternative<std::string>(value)) {
            seen[name] = CandidateAttribute::Type::categorical;
          } else {
            lists.insert(name);
          }
        }
      }
      for (const auto& [name, type] : seen) {
        const std::string field = "attributes." + name;
        if (named.count(field)) continue;
        if (!options.candidates_for_used_fields && used_fields.count(field)) continue;
        CandidateAttribute c;
        c.field = field;
        c.type = type;
        candidates.push_back(std::move(c));
      }
    }
  }
  std::set<std::string> ids;
  for (const auto& r : config.rules) ids.insert(r.id);
  auto add_feature = [&](CandidateRule cr) {
    std::string id = cr.rule.id;
    for (int k = 2; ids.count(id); ++k) id = cr.rule.id + "-" + std::to_string(k);
    ids.insert(id);
    cr.rule.id = id;
    Feature f;
    f.rule_id = id;
    f.kind = cr.rule.kind;
    f.candidate = true;
    f.rule = std::move(cr.rule);
    f.group = cr.group;
    features.push_back(std::move(f));
  };
  std::map<std::string, std::vector<CandidateRule>> by_field;
  std::map<std::string, std::size_t> field_first;  // its first candidate feature
  std::set<std::string> numeric_fields;
  for (const auto& cand : candidates) {
    if (cand.field.rfind("attributes.", 0) != 0 || cand.field.size() <= 11) {
      errors.push_back(
          calibration_error("candidate field '" + cand.field + "' must be attributes.<name>"));
      continue;
    }
    if (cand.kind != RuleKind::fit && cand.kind != RuleKind::engagement) {
      errors.push_back(
          calibration_error("candidate '" + cand.field + "': kind must be fit or engagement"));
      continue;
    }
    std::vector<CandidateRule> made = make_candidates(cand, leads, train, options);
    field_first[cand.field] = features.size();
    if (cand.type == CandidateAttribute::Type::numeric) numeric_fields.insert(cand.field);
    by_field[cand.field] = made;
    for (CandidateRule& cr : made) add_feature(std::move(cr));
  }
  // Interactions: every pair of a candidate rule of A and one of B.
  auto field_path = [](const std::string& name) {
    return name.rfind("attributes.", 0) == 0 ? name : "attributes." + name;
  };
  std::set<std::pair<std::string, std::string>> paired;
  std::vector<std::string> interaction_names;
  struct Interaction {
    std::string a, b;
    std::size_t first = 0;  // feature of (A's rule 0, B's rule 0); then A-major
  };
  std::vector<Interaction> crossed;
  auto add_interaction = [&](const std::string& a, const std::string& b) {
    crossed.push_back({a, b, features.size()});
    const std::vector<CandidateRule>& ra_list = by_field.at(a);
    const std::vector<CandidateRule>& rb_list = by_field.at(b);
    for (const CandidateRule& ra : ra_list) {
      for (const CandidateRule& rb : rb_list) {
        CandidateRule cr;
        cr.rule = ra.rule;
        cr.rule.id = ra.rule.id + "." + attribute_name(b) + "." +
                     rb.rule.id.substr(rb.rule.id.rfind('.') + 1);
        cr.rule.when = cond::all({ra.rule.when, rb.rule.when});
        cr.rule.description = ra.rule.description + " and " + rb.rule.description;
        cr.group = a + "*" + b;
        add_feature(std::move(cr));
      }
    }
    paired.emplace(std::min(a, b), std::max(a, b));
    interaction_names.push_back(attribute_name(a) + " x " + attribute_name(b));
  };
  for (const auto& [a_name, b_name] : options.interactions) {
    const std::string a = field_path(a_name);
    const std::string b = field_path(b_name);
    if (!by_field.count(a) || !by_field.count(b) || a == b) {
      errors.push_back(
          calibration_error("interaction " + a + " x " + b +
                            ": both must be candidate attributes of the training leads"));
      continue;
    }
    add_interaction(a, b);
  }
  if (options.auto_interactions > 0 && options.cv_folds < 2) {
    errors.push_back(calibration_error("cv_folds must be at least 2"));
  }
  if (!errors.empty()) return errors;

  // Rows for every lead (training and holdout): features[from..] are
  // evaluated by the engine and appended.
  std::vector<SparseRow> rows(leads.size());
  auto extract = [&](std::size_t from, std::size_t to) -> std::vector<Diagnostic> {
    Result<std::vector<Probe>> probes = build_probes(config, features, from, to);
    if (!probes) return probes.diagnostics();
    parallel_for(leads.size(), options.threads, [&](std::size_t i) {
      const std::size_t before = rows[i].size();
      extract_row(*probes, leads[i], as_of.size() == 1 ? as_of[0] : as_of[i], rows[i]);
      std::sort(rows[i].begin() + static_cast<std::ptrdiff_t>(before), rows[i].end());
    });
    return {};
  };
  // An interaction rule `all [A's rule, B's rule]` holds exactly when both
  // rules hold: its feature comes from the two candidate features.
  auto extract_interaction = [&](const Interaction& x) {
    const std::size_t fa = field_first.at(x.a), na = by_field.at(x.a).size();
    const std::size_t fb = field_first.at(x.b), nb = by_field.at(x.b).size();
    parallel_for(leads.size(), options.threads, [&](std::size_t i) {
      SparseRow& row = rows[i];
      std::vector<std::uint32_t> as, bs;
      for (const auto& [j, v] : row) {
        if (j >= fa && j < fa + na) as.push_back(j - static_cast<std::uint32_t>(fa));
        if (j >= fb && j < fb + nb) bs.push_back(j - static_cast<std::uint32_t>(fb));
      }
      for (std::uint32_t ia : as) {
        for (std::uint32_t ib : bs)
          row.emplace_back(static_cast<std::uint32_t>(x.first + ia * nb + ib), 1.0);
      }
    });
  };
  const std::size_t crossed_given = crossed.size();
  if (auto ds = extract(0, crossed.empty() ? features.size() : crossed.front().first); !ds.empty())
    return ds;
  for (std::size_t x = 0; x < crossed_given; ++x) extract_interaction(crossed[x]);

  // Support, and candidates that duplicate an earlier feature or never vary.
  std::map<std::pair<std::uint64_t, std::size_t>, std::size_t> first_seen;
  auto classify = [&](std::size_t from) {
    std::vector<std::uint64_t> hash(features.size(), 1469598103934665603ull);
    for (std::size_t k = 0; k < train.size(); ++k) {
      const SparseRow& row = rows[train[k]];
      const auto begin = std::lower_bound(
          row.begin(), row.end(), std::make_pair(static_cast<std::uint32_t>(from), -HUGE_VAL));
      for (auto it = begin; it != row.end(); ++it) {
        const auto [j, v] = *it;
        ++features[j].support;
        std::uint64_t h = hash[j];
        h = (h ^ k) * 1099511628211ull;
        h = (h ^ static_cast<std::uint64_t>(std::llround(v * 1e6))) * 1099511628211ull;
        hash[j] = h;
      }
    }
    for (std::size_t j = from; j < features.size(); ++j) {
      Feature& f = features[j];
      const auto key = std::make_pair(hash[j], f.support);
      if (f.candidate) {
        if (f.support < std::max<std::size_t>(1, options.min_support) ||
            f.support == train.size() || first_seen.count(key)) {
          f.active = false;
        }
      }
      if (f.active && f.support > 0) first_seen.emplace(key, j);
    }
  };
  classify(0);

  // The training design: active features as columns (in feature order, so
  // features added later get the last columns).
  std::vector<std::int64_t> column;
  std::vector<std::size_t> active;
  std::vector<SparseRow> train_rows(train.size());
  std::vector<bool> train_y(train.size());
  std::vector<double> train_yd(train.size());  // 0/1, for the solver
  for (std::size_t k = 0; k < train.size(); ++k) {
    train_y[k] = outcomes[train[k]];
    train_yd[k] = outcomes[train[k]] ? 1.0 : 0.0;
  }
  auto build_design = [&] {
    column.assign(features.size(), -1);
    active.clear();
    for (std::size_t j = 0; j < features.size(); ++j) {
      if (features[j].active) {
        column[j] = static_cast<std::int64_t>(active.size());
        active.push_back(j);
      }
    }
    for (std::size_t k = 0; k < train.size(); ++k) {
      train_rows[k].clear();
      for (const auto& [j, v] : rows[train[k]]) {
        if (column[j] >= 0) train_rows[k].emplace_back(static_cast<std::uint32_t>(column[j]), v);
      }
    }
  };
  build_design();

  Calibration result;
  CalibrationReport& rep = result.report;

  // Automatic interactions: greedy forward selection of attribute pairs by
  // cross-validated log-loss on the training leads (docs/calibration.md#interactions).
  if (options.auto_interactions > 0 && by_field.size() >= 2) {
    const std::size_t folds = options.cv_folds;
    const std::size_t n = train.size();
    std::vector<std::vector<std::uint32_t>> fit_rows(folds);
    for (std::size_t k = 0; k < n; ++k) {
      for (std::size_t f = 0; f < folds; ++f) {
        if (k % folds != f) fit_rows[f].push_back(static_cast<std::uint32_t>(k));
      }
    }
    // Cross-validation of the current design: per fold, the model fitted on
    // the other folds and its linear predictor on every training lead; per
    // lead, the log-loss of the model that did not see it.
    struct CrossValidation {
      std::vector<Fit> fits;
      std::vector<std::vector<double>> eta;  // [fold][k]
      std::vector<double> loss;              // [k], out of fold
      double mean = 0;
    };
    auto cross_validate = [&](const CrossValidation* warm) {
      CrossValidation cv;
      cv.fits.resize(folds);
      cv.eta.assign(folds, std::vector<double>(n));
      parallel_for(
          folds, options.threads,
          [&](std::size_t f) {
            std::vector<double> start;
            if (warm != nullptr) {
              start = packed(warm->fits[f]);
              start.resize(active.size() + 1, 0.0);
            }
            cv.fits[f] = fit_logistic(train_rows, train_yd, fit_rows[f], active.size(), options.l2,
                                      options.max_iterations, kCvTolerance,
                                      warm != nullptr ? &start : nullptr);
            for (std::size_t k = 0; k < n; ++k)
              cv.eta[f][k] = linear_predictor(cv.fits[f], train_rows[k]);
          },
          1);
      cv.loss.resize(n);
      for (std::size_t k = 0; k < n; ++k) {
        cv.loss[k] = log_loss(cv.eta[k % folds][k], train_yd[k]);
        cv.mean += cv.loss[k];
      }
      cv.mean /= static_cast<double>(n);
      return cv;
    };
    // Improvement per lead (before - after): mean and paired z.
    auto paired_z = [n](const std::vector<double>& d, double& mean) {
      double sum = 0;
      for (double x : d) sum += x;
      mean = sum / static_cast<double>(n);
      double ss = 0;
      for (double x : d) ss += (x - mean) * (x - mean);
      const double sd = std::sqrt(ss / static_cast<double>(n > 1 ? n - 1 : 1));
      return sd > 0 ? mean / (sd / std::sqrt(static_cast<double>(n))) : 0.0;
    };

    // The value or bin of every candidate attribute for each training lead
    // (-1: none), from the candidate features already evaluated.
    std::vector<std::string> fields;
    std::vector<std::vector<std::int32_t>> level;
    std::vector<std::size_t> levels;
    for (const auto& [field, made] : by_field) {
      if (made.empty()) continue;
      const std::size_t first = field_first.at(field);
      std::vector<std::int32_t> lv(n, -1);
      for (std::size_t k = 0; k < n; ++k) {
        const SparseRow& row = rows[train[k]];
        const auto it = std::lower_bound(
            row.begin(), row.end(), std::make_pair(static_cast<std::uint32_t>(first), -HUGE_VAL));
        if (it != row.end() && it->first < first + made.size())
          lv[k] = static_cast<std::int32_t>(it->first - first);
      }
      fields.push_back(field);
      level.push_back(std::move(lv));
      levels.push_back(made.size());
    }
    // Every pair not given explicitly, the numeric attribute second so that
    // the rules read "month is "oct" and day 21 to 27".
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    for (std::size_t a = 0; a < fields.size(); ++a) {
      for (std::size_t b = a + 1; b < fields.size(); ++b) {
        if (paired.count({fields[a], fields[b]})) continue;
        const bool swap = numeric_fields.count(fields[a]) && !numeric_fields.count(fields[b]);
        pairs.emplace_back(swap ? b : a, swap ? a : b);
      }
    }
    const std::size_t min_support = std::max<std::size_t>(1, options.min_support);

    if (!pairs.empty()) rep.cv_folds = folds;
    CrossValidation cv = pairs.empty() ? CrossValidation{} : cross_validate(nullptr);
    std::size_t chosen = 0;
    while (chosen < options.auto_interactions && !pairs.empty()) {
      // Screening: with the current model's linear predictor as an offset,
      // each cell of the pair gets one weight (two Newton steps, L2), fitted
      // on the other folds and scored on its own fold.
      struct Screen {
        std::size_t cells = 0;
        double mean = 0, z = 0;
      };
      std::vector<Screen> screens(pairs.size());
      parallel_for(
          pairs.size(), options.threads,
          [&](std::size_t p) {
            const auto [a, b] = pairs[p];
            const std::size_t nb = levels[b];
            std::vector<std::int32_t> cell(n, -1);
            std::vector<std::size_t> count(levels[a] * nb, 0);
            for (std::size_t k = 0; k < n; ++k) {
              if (level[a][k] >= 0 && level[b][k] >= 0) {
                cell[k] = level[a][k] * static_cast<std::int32_t>(nb) + level[b][k];
                ++count[static_cast<std::size_t>(cell[k])];
              }
            }
            Screen& s = screens[p];
            for (std::size_t c = 0; c < count.size(); ++c) {
              if (count[c] < min_support || count[c] == n) {
                count[c] = 0;
              } else {
                ++s.cells;
              }
            }
            for (std::size_t k = 0; k < n; ++k) {
              if (cell[k] >= 0 && count[static_cast<std::size_t>(cell[k])] == 0) cell[k] = -1;
            }
            if (s.cells == 0) return;
            std::vector<double> d(n, 0.0);
            std::vector<double> w(count.size()), g(count.size()), h(count.size());
            for (std::size_t f = 0; f < folds; ++f) {
              std::fill(w.begin(), w.end(), 0.0);
              for (int step = 0; step < 2; ++step) {
                std::fill(g.begin(), g.end(), 0.0);
                std::fill(h.begin(), h.end(), 0.0);
                for (std::size_t k = 0; k < n; ++k) {
                  if (cell[k] < 0 || k % folds == f) continue;
                  const auto c = static_cast<std::size_t>(cell[k]);
                  const double mu = sigmoid(cv.eta[f][k] + w[c]);
                  g[c] += mu - train_yd[k];
                  h[c] += mu * (1 - mu);
                }
                for (std::size_t c = 0; c < w.size(); ++c) {
                  if (count[c] == 0) continue;
                  w[c] -= std::clamp((g[c] + options.l2 * w[c]) / (h[c] + options.l2 + 1e-12), -4.0,
                                     4.0);
                }
              }
              for (std::size_t k = f; k < n; k += folds) {
                if (cell[k] < 0) continue;
                d[k] = cv.loss[k] -
                       log_loss(cv.eta[f][k] + w[static_cast<std::size_t>(cell[k])], train_yd[k]);
              }
            }
            s.z = paired_z(d, s.mean);
          },
          1);
      std::size_t best = 0;
      for (std::size_t p = 1; p < pairs.size(); ++p) {
        const bool ok = screens[p].z >= options.interaction_min_z;
        const bool best_ok = screens[best].z >= options.interaction_min_z;
        if (ok != best_ok
                ? ok
                : (ok ? screens[p].mean > screens[best].mean : screens[p].z > screens[best].z))
          best = p;
      }
      const auto [a, b] = pairs[best];
      InteractionStep step;
      step.a = attribute_name(fields[a]);
      step.b = attribute_name(fields[b]);
      step.cells = screens[best].cells;
      step.cv_log_loss_before = cv.mean;
      step.cv_log_loss_after = cv.mean - screens[best].mean;
      step.z = screens[best].z;
      if (screens[best].cells == 0 || screens[best].z < options.interaction_min_z) {
        step.note = "not significant (screening)";
        rep.interaction_search.push_back(std::move(step));
        break;
      }
      // Refit with the pair's rules; keep it only if the cross-validated
      // log-loss confirms the improvement.
      const std::size_t before = features.size();
      add_interaction(fields[a], fields[b]);
      extract_interaction(crossed.back());
      classify(before);
      build_design();
      CrossValidation next = cross_validate(&cv);
      std::vector<double> d(n);
      for (std::size_t k = 0; k < n; ++k) d[k] = cv.loss[k] - next.loss[k];
      double mean = 0;
      step.z = paired_z(d, mean);
      step.cv_log_loss_after = next.mean;
      pairs.erase(pairs.begin() + static_cast<std::ptrdiff_t>(best));
      if (step.z < options.interaction_min_z || mean <= 0) {
        step.note = "not confirmed by the refit";
        rep.interaction_search.push_back(std::move(step));
        // Take the pair out again.
        features.resize(before);
        for (auto& row : rows) {
          while (!row.empty() && row.back().first >= before) row.pop_back();
        }
        for (auto it = first_seen.begin(); it != first_seen.end();) {
          it = it->second >= before ? first_seen.erase(it) : std::next(it);
        }
        paired.erase({std::min(fields[a], fields[b]), std::max(fields[a], fields[b])});
        interaction_names.pop_back();
        crossed.pop_back();
        build_design();
        break;
      }
      step.selected = true;
      rep.interaction_search.push_back(std::move(step));
      cv = std::move(next);
      ++chosen;
    }
  }
  rep.interactions = interaction_names;

  const Fit fit = fit_logistic(train_rows, train_yd, {}, active.size(), options.l2,
                               options.max_iterations, options.tolerance);
  std::vector<double> weight(features.size(), 0.0);
  for (std::size_t c = 0; c < active.size(); ++c) weight[active[c]] = fit.weights[c];

  // Scale: the highest achievable fit score = target points.
  const double wf = config.scores.weights.fit;
  const double we = config.scores.weights.engagement;
  auto achievable = [&](RuleKind kind, bool maximum) {
    double total = 0;
    std::map<std::string, double> group_best;
    for (std::size_t j = 0; j < features.size(); ++j) {
      const Feature& f = features[j];
      const bool counts = kind == RuleKind::fit ? f.kind == RuleKind::fit : f.kind != RuleKind::fit;
      if (!counts || weight[j] == 0) continue;
      double w = weight[j];
      if (f.kind == RuleKind::behavior) w *= f.cap_events > 0 ? f.cap_events : 1;
      const double contribution = maximum ? std::max(0.0, w) : std::min(0.0, w);
      if (f.candidate) {
        auto [it, inserted] = group_best.emplace(f.group, contribution);
        if (!inserted)
          it->second =
              maximum ? std::max(it->second, contribution) : std::min(it->second, contribution);
      } else {
        total += contribution;
      }
    }
    for (const auto& [g, v] : group_best) total += v;
    return total;
  };
  // The scale comes from the best training lead (rules that never hold
  // together, such as two values of one attribute, do not inflate it).
  double fit_max_logit = 0;
  double eng_max_logit = 0;
  for (std::size_t i : train) {
    double fit_sum = 0;
    double eng_sum = 0;
    for (const auto& [j, v] : rows[i])
      (features[j].kind == RuleKind::fit ? fit_sum : eng_sum) += weight[j] * v;
    fit_max_logit = std::max(fit_max_logit, fit_sum);
    eng_max_logit = std::max(eng_max_logit, eng_sum);
  }
  double points_per_logit = 0;
  if (fit_max_logit > 1e-9) {
    const double target = options.max_fit_points.value_or(config.scores.fit.max.value_or(100));
    points_per_logit = target * wf / fit_max_logit;
  } else if (eng_max_logit > 1e-9) {
    points_per_logit = config.scores.engagement.max.value_or(100) * we / eng_max_logit;
  } else {
    points_per_logit = 100;
  }

  // The calibrated configuration.
  Config& out = result.config;
  out = config;
  out.rules.clear();
  std::vector<double> points(features.size(), 0.0);
  for (std::size_t j = 0; j < features.size(); ++j) {
    const double per = features[j].kind == RuleKind::fit ? wf : we;
    points[j] = std::round(weight[j] * points_per_logit / per);
    if (points[j] == 0) points[j] = 0;  // no -0
  }
  std::size_t dropped = 0, added = 0;
  {
    std::size_t j = 0;
    for (std::size_t r = 0; r < config.rules.size(); ++r) {
      const Rule& rule = config.rules[r];
      if (rule.kind == RuleKind::knockout) {
        out.rules.push_back(rule);
        continue;
      }
      const std::size_t fj = j++;
      if (points[fj] == 0) {
        ++dropped;
        continue;
      }
      Rule copy = rule;
      copy.points = points[fj];
      if (rule.kind == RuleKind::behavior) {
        copy.max_points.reset();
        if (features[fj].cap_events > 0)
          copy.max_points = features[fj].cap_events * std::fabs(points[fj]);
      }
      out.rules.push_back(std::move(copy));
    }
    for (std::size_t fj = original_features; fj < features.size(); ++fj) {
      if (points[fj] == 0) continue;
      Rule rule = features[fj].rule;
      rule.points = points[fj];
      rule.description = "Calibrated: " + rule.description;
      out.rules.push_back(std::move(rule));
      ++added;
    }
  }
  // Bounds wide enough that no clamp cuts the learned sum.
  auto widen = [&](ScoreBounds& b, RuleKind kind, double per) {
    const double lo = std::round(achievable(kind, false) * points_per_logit / per);
    const double hi = std::round(achievable(kind, true) * points_per_logit / per);
    bool unbounded = false;
    for (const auto& f : features) {
      const bool counts = kind == RuleKind::fit ? f.kind == RuleKind::fit : f.kind != RuleKind::fit;
      if (counts && f.kind == RuleKind::behavior && f.cap_events <= 0) unbounded = true;
    }
    b.min = std::min(b.min, lo);
    if (b.max && !unbounded) b.max = std::max(*b.max, hi);
  };
  widen(out.scores.fit, RuleKind::fit, wf);
  widen(out.scores.engagement, RuleKind::engagement, we);

  // Stage thresholds: quantile matching on the training leads.
  Result<Qualifier> first = Qualifier::build(out);
  if (!first) {
    std::vector<Diagnostic> ds;
    for (const auto& d : first.diagnostics()) {
      if (d.is_error()) ds.push_back(d);
    }
    for (auto& d : ds) d.message = "calibrated configuration: " + d.message;
    return ds;
  }
  const std::vector<Qualification> train_original =
      qualify_subset(*original, leads, train, as_of, options.threads);
  {
    const std::vector<Qualification> train_first =
        qualify_subset(*first, leads, train, as_of, options.threads);
    std::map<std::string, ScoreMap> maps;
    for (const char* field : {"score.total", "score.fit", "score.engagement"}) {
      ScoreMap sm;
      for (std::size_t k = 0; k < train.size(); ++k) {
        const std::string_view f = field;
        const Qualification& a = train_original[k];
        const Qualification& b = train_first[k];
        sm.original.push_back(f == "score.total" ? a.total
                              : f == "score.fit" ? a.fit
                                                 : a.engagement);
        sm.calibrated.push_back(f == "score.total" ? b.total
                                : f == "score.fit" ? b.fit
                                                   : b.engagement);
      }
      std::sort(sm.original.begin(), sm.original.end());
      std::sort(sm.calibrated.begin(), sm.calibrated.end());
      maps.emplace(field, std::move(sm));
    }
    for (Stage& stage : out.stages) {
      map_stage_condition(stage.when, maps, stage.name, result.report.stage_changes);
      for (auto& [origin, c] : stage.by_origin) {
        map_stage_condition(c, maps, stage.name + " (" + std::string(to_string(origin)) + ")",
                            result.report.stage_changes);
      }
    }
  }
  Result<Qualifier> calibrated = Qualifier::build(out);
  if (!calibrated) return calibrated.diagnostics();

  // Report.
  rep.as_of = format_instant(as_of.empty() ? Instant{} : as_of[0]);
  rep.leads = leads.size();
  rep.training_leads = train.size();
  rep.training_positives = train_pos;
  rep.holdout_leads = holdout.size();
  for (std::size_t i : holdout) rep.holdout_positives += outcomes[i] ? 1u : 0u;
  rep.l2 = options.l2;
  rep.iterations = fit.iterations;
  rep.converged = fit.converged;
  rep.intercept = fit.intercept;
  rep.points_per_logit = points_per_logit;
  rep.features = active.size();
  rep.candidate_features = features.size() - original_features;
  rep.rules_added = added;
  rep.rules_dropped = dropped;
  for (std::size_t j = 0; j < features.size(); ++j) {
    const Feature& f = features[j];
    if (f.candidate && !f.active) continue;
    LearnedRule lr;
    lr.rule_id = f.rule_id;
    lr.kind = f.kind;
    lr.candidate = f.candidate;
    lr.original_points = f.candidate ? 0 : config.rules[f.rule_index].points;
    lr.weight = weight[j];
    lr.points = points[j];
    lr.support = f.support;
    rep.rules.push_back(std::move(lr));
  }
  const double ppl = points_per_logit;
  const double icpt = fit.intercept;
  const auto predicted = [ppl, icpt](double total) { return sigmoid(icpt + total / ppl); };
  const std::vector<std::string_view> original_stages = original->stage_names();
  const std::vector<std::string_view> calibrated_stages = calibrated->stage_names();
  const std::vector<Qualification> train_calibrated =
      qualify_subset(*calibrated, leads, train, as_of, options.threads);
  rep.original_training = split_metrics(train_original, train_y, original_stages, {});
  rep.calibrated_training = split_metrics(train_calibrated, train_y, calibrated_stages, predicted);
  const std::vector<bool> holdout_y = outcomes_of(outcomes, holdout);
  std::vector<Qualification> holdout_calibrated;
  if (!holdout.empty()) {
    rep.original_holdout =
        split_metrics(qualify_subset(*original, leads, holdout, as_of, options.threads), holdout_y,
                      original_stages, {});
    holdout_calibrated = qualify_subset(*calibrated, leads, holdout, as_of, options.threads);
    rep.calibrated_holdout =
        split_metrics(holdout_calibrated, holdout_y, calibrated_stages, predicted);
  }

  // Threshold recommendations: chosen on the training leads, measured on the
  // holdout (the honest estimate of what the threshold yields on new leads).
  {
    auto scores_of = [](const std::vector<Qualification>& qs) {
      std::vector<double> scores(qs.size());
      for (std::size_t k = 0; k < qs.size(); ++k) scores[k] = qs[k].total;
      return scores;
    };
    auto flags_of = [](const std::vector<bool>& v) {
      std::unique_ptr<bool[]> y(new bool[v.size()]);
      for (std::size_t k = 0; k < v.size(); ++k) y[k] = v[k];
      return y;
    };
    const std::vector<double> scores = scores_of(train_calibrated);
    const std::unique_ptr<bool[]> y = flags_of(train_y);
    const std::span<const bool> ys(y.get(), train.size());
    const std::vector<double> holdout_scores = scores_of(holdout_calibrated);
    const std::unique_ptr<bool[]> hy = flags_of(holdout_y);
    const std::span<const bool> hys(hy.get(), holdout.size());
    auto measure = [&](ThresholdRecommendation r, std::optional<double> precision) {
      if (!holdout.empty()) {
        r.holdout = evaluate_threshold(holdout_scores, hys, r.threshold);
        r.holdout_meets_goal =
            !precision || (r.holdout->volume > 0 && r.holdout->conversion >= *precision);
      }
      rep.thresholds.push_back(std::move(r));
    };
    for (double p : options.target_precisions)
      measure(recommend_threshold_for_precision(scores, ys, p), p);
    for (std::size_t c : options.capacities)
      measure(recommend_threshold_for_capacity(scores, ys, c), std::nullopt);
  }

  // Rule suggestions: candidates on fields the configuration does not use,
  // and event types it does not name.
  {
    const double base = static_cast<double>(train_pos) / static_cast<double>(train.size());
    std::vector<RuleSuggestion> sugg;
    std::vector<std::size_t> pos(features.size(), 0);
    for (std::size_t k = 0; k < train.size(); ++k) {
      if (!train_y[k]) continue;
      for (const auto& [j, v] : rows[train[k]]) ++pos[j];
    }
    for (std::size_t j = original_features; j < features.size(); ++j) {
      const Feature& f = features[j];
      // (Interaction cells are pairs of values, not suggestions.)
      if (used_fields.count(f.group) || f.group.find('*') != std::string::npos ||
          f.support < options.min_support || f.support == train.size())
        continue;
      RuleSuggestion s;
      s.when = f.rule.when;
      s.description = describe_condition(s.when);
      s.support = f.support;
      s.positives = pos[j];
      s.conversion = static_cast<double>(pos[j]) / static_cast<double>(f.support);
      s.lift = base > 0 ? s.conversion / base : 0;
      sugg.push_back(std::move(s));
    }
    std::map<std::string, std::pair<std::size_t, std::size_t>>
        event_counts;  // type -> (leads, positives)
    for (std::size_t k = 0; k < train.size(); ++k) {
      const Lead& lead = leads[train[k]];
      const Instant t = as_of.size() == 1 ? as_of[0] : as_of[train[k]];
      std::set<std::string_view> types;
      for (const auto& e : lead.events) {
        if (e.at <= t && !used_events.count(e.type)) types.insert(e.type);
      }
      for (std::string_view ty : types) {
        auto& c = event_counts[std::string(ty)];
        ++c.first;
        if (train_y[k]) ++c.second;
      }
    }
    for (const auto& [type, c] : event_counts) {
      if (c.first < options.min_support) continue;
      RuleSuggestion s;
      s.when = cond::events({type}).count().gte(1);
      s.description = "at least one " + type + " event";
      s.support = c.first;
      s.positives = c.second;
      s.conversion = static_cast<double>(c.second) / static_cast<double>(c.first);
      s.lift = base > 0 ? s.conversion / base : 0;
      sugg.push_back(std::move(s));
    }
    std::stable_sort(
        sugg.begin(), sugg.end(),
        [](const RuleSuggestion& a, const RuleSuggestion& b) { return a.lift > b.lift; });
    rep.suggestions_found = sugg.size();
    if (sugg.size() > options.max_suggestions) sugg.resize(options.max_suggestions);
    rep.suggestions = std::move(sugg);
  }

  // The calibration noted in the description (Config has no metadata block).
  std::string note = "Calibrated by leadscore on " + std::to_string(rep.training_leads) +
                     " training leads (" + std::to_string(rep.training_positives) +
                     " converted), as of " + rep.as_of + ", l2 " + fmt(options.l2) + ", " +
                     fmt_fixed(points_per_logit, 3) + " points per log-odds unit";
  if (!rep.interactions.empty()) {
    note += ", interactions ";
    for (std::size_t i = 0; i < rep.interactions.size(); ++i)
      note += (i ? ", " : "") + rep.interactions[i];
  }
  if (!holdout.empty()) {
    note += "; holdout ROC AUC " + fmt_fixed(rep.original_holdout.auc, 4) + " (original) -> " +
            fmt_fixed(rep.calibrated_holdout.auc, 4) + " (calibrated) on " +
            std::to_string(rep.holdout_leads) + " leads";
  }
  note += ".";
  out.description = out.description.empty() ? note : out.description + "\n" + note;
  return result;
}

}  // namespace leadscore
