// The automatic interaction search (calibrate/interactions.hpp).
#include "calibrate/interactions.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "calibrate/metrics.hpp"

namespace leadscore::calibration {
namespace {

// The value or bin of every candidate attribute for each training lead
// (-1: none), from the candidate features already evaluated.
struct Levels {
  std::vector<std::string> fields;
  std::vector<std::vector<std::int32_t>> level;  // [attribute][k]
  std::vector<std::size_t> levels;               // [attribute]: its candidate rules
};

Levels attribute_levels(const FeatureSet& set, const FeatureMatrix& matrix,
                        const std::vector<std::size_t>& train) {
  Levels out;
  const std::size_t n = train.size();
  for (const auto& [field, made] : set.by_field) {
    if (made.empty()) continue;
    const std::size_t first = set.field_first.at(field);
    std::vector<std::int32_t> lv(n, -1);
    for (std::size_t k = 0; k < n; ++k) {
      const SparseRow& row = matrix.rows[train[k]];
      const auto it = std::lower_bound(
          row.begin(), row.end(), std::make_pair(static_cast<std::uint32_t>(first), -HUGE_VAL));
      if (it != row.end() && it->first < first + made.size())
        lv[k] = static_cast<std::int32_t>(it->first - first);
    }
    out.fields.push_back(field);
    out.level.push_back(std::move(lv));
    out.levels.push_back(made.size());
  }
  return out;
}

// Every pair not given explicitly, the numeric attribute second so that the
// rules read "month is "oct" and day 21 to 27".
std::vector<std::pair<std::size_t, std::size_t>> candidate_pairs(const Levels& lv,
                                                                 const FeatureSet& set) {
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  const std::vector<std::string>& fields = lv.fields;
  for (std::size_t a = 0; a < fields.size(); ++a) {
    for (std::size_t b = a + 1; b < fields.size(); ++b) {
      if (set.paired.count({fields[a], fields[b]})) continue;
      const bool swap = set.numeric_fields.count(fields[a]) && !set.numeric_fields.count(fields[b]);
      pairs.emplace_back(swap ? b : a, swap ? a : b);
    }
  }
  return pairs;
}

// The screening estimate of one pair.
struct Screen {
  std::size_t cells = 0;
  double mean = 0, z = 0;
};

// The cell of the pair (a, b) of each training lead (-1: none, or a cell
// with too little support); count[c] = leads of cell c (0: not used).
struct Cells {
  std::vector<std::int32_t> cell;
  std::vector<std::size_t> count;
  std::size_t used = 0;
};

// Counts the cells and leaves out those with less than min_support leads,
// or with less than min_support leads outside them.
void count_cells(Cells& c, std::size_t min_support) {
  const std::size_t n = c.cell.size();
  for (std::int32_t cell : c.cell) {
    if (cell >= 0) ++c.count[static_cast<std::size_t>(cell)];
  }
  for (std::size_t& count : c.count) {
    if (count < min_support || n - count < min_support) {
      count = 0;
    } else {
      ++c.used;
    }
  }
  for (std::int32_t& cell : c.cell) {
    if (cell >= 0 && c.count[static_cast<std::size_t>(cell)] == 0) cell = -1;
  }
}

Cells pair_cells(const Levels& lv, std::size_t a, std::size_t b, std::size_t min_support) {
  const std::size_t n = lv.level[a].size();
  const std::size_t nb = lv.levels[b];
  Cells c;
  c.cell.assign(n, -1);
  c.count.assign(lv.levels[a] * nb, 0);
  for (std::size_t k = 0; k < n; ++k) {
    if (lv.level[a][k] >= 0 && lv.level[b][k] >= 0)
      c.cell[k] = lv.level[a][k] * static_cast<std::int32_t>(nb) + lv.level[b][k];
  }
  count_cells(c, min_support);
  return c;
}

// The cells of one attribute: its values or bins.
Cells single_cells(const Levels& lv, std::size_t a, std::size_t min_support) {
  Cells c;
  c.cell = lv.level[a];
  c.count.assign(lv.levels[a], 0);
  count_cells(c, min_support);
  return c;
}

// A term the search may add: one candidate attribute (a == b: its values
// or bins) or a pair of them (the cells of a x b).
struct Term {
  std::size_t a = 0, b = 0;
  bool single() const { return a == b; }
};

class TermSearch {
 public:
  TermSearch(FeatureSet& set, FeatureMatrix& matrix, Design& design,
             const std::vector<std::size_t>& train, const CalibrationOptions& options)
      : set_(set),
        matrix_(matrix),
        design_(design),
        train_(train),
        options_(options),
        folds_(options.cv_folds),
        n_(train.size()),
        min_support_(std::max<std::size_t>(1, options.min_support)),
        fit_rows_(fold_rows(n_, folds_)),
        levels_(attribute_levels(set, matrix, train)) {
    if (options.select_candidates) {
      for (std::size_t a = 0; a < levels_.fields.size(); ++a) singles_.push_back({a, a});
      set_candidates_active(false);
    }
    if (options.auto_interactions > 0) {
      for (const auto& [a, b] : candidate_pairs(levels_, set)) pairs_.push_back({a, b});
    }
  }

  // Singles first (every attribute whose values improve the model), then
  // pairs; a term the refit does not confirm is taken out and the search
  // goes on with the others.
  void run(CalibrationReport& report) {
    if (singles_.empty() && pairs_.empty()) return;
    report.cv_folds = folds_;
    CrossValidation cv = cross_validate(design_, fit_rows_, options_);
    std::size_t chosen = 0;
    while (!singles_.empty() && step(singles_, options_.attribute_min_z, cv, report)) {
    }
    while (chosen < options_.auto_interactions && !pairs_.empty()) {
      const std::size_t before = report.interaction_search.size();
      if (!step(pairs_, options_.interaction_min_z, cv, report)) break;
      if (report.interaction_search.size() > before && report.interaction_search.back().selected)
        ++chosen;
    }
    // The pairs change the model: the attributes left out get another try.
    while (chosen > 0 && !singles_.empty() &&
           step(singles_, options_.attribute_min_z, cv, report)) {
    }
  }

 private:
  // Every candidate attribute's rules in or out of the design (in: those
  // classify() kept).
  void set_candidates_active(bool on) {
    for (std::size_t a = 0; a < levels_.fields.size(); ++a) set_attribute_active(a, on);
  }
  void set_attribute_active(std::size_t a, bool on) {
    const std::string& field = levels_.fields[a];
    const std::size_t first = set_.field_first.at(field);
    for (std::size_t j = first; j < first + levels_.levels[a]; ++j) {
      if (!on) kept_.emplace(j, set_.features[j].active);
      set_.features[j].active = on && kept_.at(j);
    }
    build_design(set_.features, matrix_, train_, design_);
  }

  // One step: screens the terms, refits the best one if significant (z >=
  // min_z at the screening and at the refit). Returns false when no term
  // passes the screening (the search ends).
  bool step(std::vector<Term>& terms, double min_z, CrossValidation& cv,
            CalibrationReport& report) {
    const std::vector<Screen> screens = screen_all(terms, cv);
    const std::size_t best = best_term(screens, min_z);
    const Term t = terms[best];
    InteractionStep st;
    st.a = attribute_name(levels_.fields[t.a]);
    if (!t.single()) st.b = attribute_name(levels_.fields[t.b]);
    st.cells = screens[best].cells;
    st.cv_log_loss_before = cv.mean;
    st.cv_log_loss_after = cv.mean - screens[best].mean;
    st.z = screens[best].z;
    if (screens[best].cells == 0 || screens[best].z < min_z) {
      st.note = "not significant (screening)";
      report.interaction_search.push_back(std::move(st));
      return false;
    }
    terms.erase(terms.begin() + static_cast<std::ptrdiff_t>(best));
    refit(t, min_z, cv, st);
    report.interaction_search.push_back(std::move(st));
    return true;
  }

  // Screening: with the current model's linear predictor as an offset, each
  // cell of the term gets one weight (two Newton steps, L2), fitted on the
  // other folds and scored on its own fold.
  Screen screen(const Term& t, const CrossValidation& cv) const {
    Screen s;
    const Cells c = t.single() ? single_cells(levels_, t.a, min_support_)
                               : pair_cells(levels_, t.a, t.b, min_support_);
    s.cells = c.used;
    if (s.cells == 0) return s;
    const std::vector<double>& y = design_.y;
    const double l2 = options_.l2;
    std::vector<double> d(n_, 0.0);
    std::vector<double> w(c.count.size()), g(c.count.size()), h(c.count.size());
    for (std::size_t f = 0; f < folds_; ++f) {
      std::fill(w.begin(), w.end(), 0.0);
      for (int step = 0; step < 2; ++step) {
        std::fill(g.begin(), g.end(), 0.0);
        std::fill(h.begin(), h.end(), 0.0);
        for (std::size_t k = 0; k < n_; ++k) {
          if (c.cell[k] < 0 || k % folds_ == f) continue;
          const auto cell = static_cast<std::size_t>(c.cell[k]);
          const double mu = sigmoid(cv.eta[f][k] + w[cell]);
          g[cell] += mu - y[k];
          h[cell] += mu * (1 - mu);
        }
        for (std::size_t cell = 0; cell < w.size(); ++cell) {
          if (c.count[cell] == 0) continue;
          w[cell] -= std::clamp((g[cell] + l2 * w[cell]) / (h[cell] + l2 + 1e-12), -4.0, 4.0);
        }
      }
      for (std::size_t k = f; k < n_; k += folds_) {
        if (c.cell[k] < 0) continue;
        d[k] = cv.loss[k] - log_loss(cv.eta[f][k] + w[static_cast<std::size_t>(c.cell[k])], y[k]);
      }
    }
    s.z = paired_z(d, s.mean);
    return s;
  }

  std::vector<Screen> screen_all(const std::vector<Term>& terms, const CrossValidation& cv) const {
    std::vector<Screen> screens(terms.size());
    parallel_for(
        terms.size(), options_.threads, [&](std::size_t p) { screens[p] = screen(terms[p], cv); },
        1);
    return screens;
  }

  // The term with the largest improvement among the significant ones (else
  // the largest z); ties to the first.
  std::size_t best_term(const std::vector<Screen>& screens, double min_z) const {
    std::size_t best = 0;
    for (std::size_t p = 1; p < screens.size(); ++p) {
      const bool ok = screens[p].z >= min_z;
      const bool best_ok = screens[best].z >= min_z;
      if (ok != best_ok
              ? ok
              : (ok ? screens[p].mean > screens[best].mean : screens[p].z > screens[best].z))
        best = p;
    }
    return best;
  }

  // Refits with the term's rules; keeps the term (and the new cross-
  // validation in cv) only if the cross-validated log-loss confirms the
  // improvement, else takes it out again.
  void refit(const Term& t, double min_z, CrossValidation& cv, InteractionStep& step) {
    const std::size_t before = set_.features.size();
    if (t.single()) {
      set_attribute_active(t.a, true);
    } else {
      add_interaction(set_, levels_.fields[t.a], levels_.fields[t.b]);
      evaluate_interaction(set_, set_.crossed.back(), options_.threads, matrix_);
      classify(set_, matrix_, train_, before, options_.min_support);
      build_design(set_.features, matrix_, train_, design_);
    }
    CrossValidation next = cross_validate(design_, fit_rows_, options_, &cv);
    std::vector<double> d(n_);
    for (std::size_t k = 0; k < n_; ++k) d[k] = cv.loss[k] - next.loss[k];
    double mean = 0;
    step.z = paired_z(d, mean);
    step.cv_log_loss_after = next.mean;
    if (step.z < min_z || mean <= 0) {
      step.note = "not confirmed by the refit";
      if (t.single()) {
        set_attribute_active(t.a, false);
      } else {
        remove_last_interaction(set_, matrix_, before);
        build_design(set_.features, matrix_, train_, design_);
      }
      return;
    }
    step.selected = true;
    cv = std::move(next);
  }

  FeatureSet& set_;
  FeatureMatrix& matrix_;
  Design& design_;
  const std::vector<std::size_t>& train_;
  const CalibrationOptions& options_;
  const std::size_t folds_;
  const std::size_t n_;
  const std::size_t min_support_;
  const std::vector<std::vector<std::uint32_t>> fit_rows_;
  const Levels levels_;
  std::vector<Term> singles_, pairs_;
  std::map<std::size_t, bool> kept_;  // candidate feature -> active after classify()
};

}  // namespace

std::vector<std::string> leakage_warnings(const FeatureSet& set, const FeatureMatrix& matrix,
                                          const std::vector<std::size_t>& train,
                                          const std::vector<double>& y, double max_auc) {
  std::vector<std::string> out;
  const Levels lv = attribute_levels(set, matrix, train);
  std::unique_ptr<bool[]> outcome(new bool[train.size()]);
  for (std::size_t k = 0; k < train.size(); ++k) outcome[k] = y[k] > 0.5;
  for (std::size_t a = 0; a < lv.fields.size(); ++a) {
    std::vector<double> positives(lv.levels[a] + 1, 0.0), leads(lv.levels[a] + 1, 0.0);
    for (std::size_t k = 0; k < train.size(); ++k) {
      const auto level = static_cast<std::size_t>(lv.level[a][k] + 1);
      positives[level] += y[k];
      leads[level] += 1;
    }
    std::vector<double> score(train.size());
    for (std::size_t k = 0; k < train.size(); ++k) {
      const auto level = static_cast<std::size_t>(lv.level[a][k] + 1);
      score[k] = positives[level] / leads[level];
    }
    const double auc = roc_auc(score, std::span<const bool>(outcome.get(), train.size()));
    if (auc > max_auc) {
      out.push_back("attribute '" + attribute_name(lv.fields[a]) +
                    "' is almost a function of the outcome (training ROC AUC " + fmt_fixed(auc, 3) +
                    " on its own): is it written after the outcome? Leave it out of --map.");
    }
  }
  return out;
}

void search_interactions(FeatureSet& set, FeatureMatrix& matrix, Design& design,
                         const std::vector<std::size_t>& train, const CalibrationOptions& options,
                         CalibrationReport& report) {
  const bool pairs = options.auto_interactions > 0 && set.by_field.size() >= 2;
  if (!pairs && !(options.select_candidates && !set.by_field.empty())) return;
  TermSearch(set, matrix, design, train, options).run(report);
}

}  // namespace leadscore::calibration
