#include "leadscore/qualifier.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <thread>

#include "core/text.hpp"
#include "eval/evaluator.hpp"
#include "explain/explain.hpp"
#include "model/model.hpp"

namespace leadscore {
namespace detail {}  // namespace detail

// ---- Qualifier ------------------------------------------------------------------
Result<Qualifier> Qualifier::build(Config config, const BuildOptions& options) {
  auto compiled = detail::compile(std::move(config), options.limits);
  if (!compiled.ok()) return Result<Qualifier>(compiled.diagnostics());
  std::vector<Diagnostic> warnings = compiled.diagnostics();
  return Result<Qualifier>(Qualifier(std::move(compiled).value()), std::move(warnings));
}

Qualifier Qualifier::with_default_config() {
  static const Qualifier instance = build(default_config()).value();
  return instance;
}

Qualification Qualifier::qualify(const Lead& lead, Instant as_of) const noexcept {
  return detail::evaluate(*model_, lead, as_of);
}

RuleListener::~RuleListener() = default;

BoundLead::BoundLead() : values_(std::make_unique<detail::BoundValues>()) {
  values_->lead = &values_->own().owned;
}
BoundLead::BoundLead(std::unique_ptr<detail::BoundValues> values) noexcept
    : values_(std::move(values)) {}
BoundLead::BoundLead(BoundLead&&) noexcept = default;
BoundLead& BoundLead::operator=(BoundLead&&) noexcept = default;
BoundLead::~BoundLead() = default;
const Lead& BoundLead::lead() const noexcept { return *values_->lead; }

BoundLead Qualifier::bind(const Lead& lead) const {
  auto values = std::make_unique<detail::BoundValues>();
  detail::bind_lead(*model_, lead, *values);
  return BoundLead(std::move(values));
}

Qualification Qualifier::qualify(const BoundLead& lead, Instant as_of) const noexcept {
  const detail::BoundValues& b = *lead.values_;
  if (b.model != model_.get()) return qualify(*b.lead, as_of);
  detail::Scratch scratch;  // uninitialised on purpose: only the used prefix is reset
  detail::EvalRequest request;
  request.values = b.values.data();
  request.facts = &b.facts;
  return detail::evaluate(*model_, *b.lead, as_of, scratch, request);
}

detail::BoundValues& detail::values_of(BoundLead& lead) noexcept { return *lead.values_; }

const std::shared_ptr<const detail::Model>& detail::model_of(const Qualifier& q) noexcept {
  return q.model_;
}

namespace {
/// The evaluator's listener seam, narrowed to RuleListener's rule hits.
class RuleHitAdapter final : public detail::EvalListener {
 public:
  explicit RuleHitAdapter(RuleListener& out) noexcept : out_(out) {}
  void on_behavior_rule(std::size_t rule, const detail::RuleAcc& acc, std::int64_t total,
                        bool /*capped*/) override {
    if (acc.counted == 0) return;
    out_.on_rule(RuleHit{rule, static_cast<double>(total) / 1e6, acc.factor_sum});
  }
  void on_condition_rule(std::size_t rule, bool held, ConditionTrace* /*trace*/,
                         detail::EvalView& view) override {
    if (!held) return;
    const detail::CompiledRule& cr = view.model().rules[rule];
    out_.on_rule(RuleHit{rule, cr.kind == RuleKind::knockout ? 0.0 : cr.points, 0.0});
  }

 private:
  RuleListener& out_;
};
}  // namespace

Qualification Qualifier::qualify(const Lead& lead, Instant as_of, RuleListener& listener) const {
  detail::Scratch scratch;
  RuleHitAdapter adapter(listener);
  return detail::evaluate(*model_, lead, as_of, scratch, detail::EvalRequest{}, &adapter);
}

Qualification Qualifier::qualify(const BoundLead& lead, Instant as_of,
                                 RuleListener& listener) const {
  const detail::BoundValues& b = *lead.values_;
  if (b.model != model_.get()) return qualify(*b.lead, as_of, listener);
  detail::Scratch scratch;
  RuleHitAdapter adapter(listener);
  detail::EvalRequest request;
  request.values = b.values.data();
  request.facts = &b.facts;
  return detail::evaluate(*model_, *b.lead, as_of, scratch, request, &adapter);
}

Explanation Qualifier::explain(const Lead& lead, Instant as_of) const {
  Explanation ex;
  detail::Scratch scratch;
  detail::RecordingListener recorder(*model_, ex);
  ex.result =
      detail::evaluate(*model_, lead, as_of, scratch, detail::EvalRequest{}, &recorder, &ex.facts);
  return ex;
}

namespace {

/// Runs `score(i)` for every i < n, into out[i], on up to `threads` threads
/// (0 = hardware concurrency; at least 256 leads each), in contiguous
/// ranges, so the results do not depend on the thread count.
template <class Score>
void qualify_range(std::size_t n, std::span<Qualification> out, unsigned threads,
                   const Score& score) {
  if (out.size() != n) {
    throw std::invalid_argument("qualify_all: output span size " + std::to_string(out.size()) +
                                " differs from the number of leads " + std::to_string(n));
  }
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t workers = std::min<std::size_t>(threads, std::max<std::size_t>(1, n / 256));
  auto work = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) out[i] = score(i);
  };
  if (workers <= 1) {
    work(0, n);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  const std::size_t chunk = (n + workers - 1) / workers;
  for (std::size_t w = 1; w < workers; ++w) {
    const std::size_t begin = std::min(n, w * chunk);
    const std::size_t end = std::min(n, begin + chunk);
    pool.emplace_back(work, begin, end);
  }
  work(0, std::min(n, chunk));
  for (auto& t : pool) t.join();
}

}  // namespace

void Qualifier::qualify_all(std::span<const Lead> leads, Instant as_of,
                            std::span<Qualification> out, unsigned threads) const {
  qualify_range(leads.size(), out, threads,
                [&](std::size_t i) { return qualify(leads[i], as_of); });
}

std::vector<Qualification> Qualifier::qualify_all(std::span<const Lead> leads, Instant as_of,
                                                  unsigned threads) const {
  std::vector<Qualification> out(leads.size());
  qualify_all(leads, as_of, out, threads);
  return out;
}

void Qualifier::qualify_all(std::span<const BoundLead> leads, Instant as_of,
                            std::span<Qualification> out, unsigned threads) const {
  qualify_range(leads.size(), out, threads,
                [&](std::size_t i) { return qualify(leads[i], as_of); });
}

std::vector<Qualification> Qualifier::qualify_all(std::span<const BoundLead> leads, Instant as_of,
                                                  unsigned threads) const {
  std::vector<Qualification> out(leads.size());
  qualify_all(leads, as_of, out, threads);
  return out;
}

DerivedFacts Qualifier::derive(const Lead& lead, Instant as_of) const {
  DerivedFacts facts;
  detail::Scratch scratch;
  (void)detail::evaluate(*model_, lead, as_of, scratch, detail::EvalRequest{}, nullptr, &facts);
  return facts;
}

const Config& Qualifier::config() const noexcept { return model_->config; }

const std::vector<Diagnostic>& Qualifier::warnings() const noexcept { return model_->warnings; }

std::vector<std::string_view> Qualifier::stage_names() const {
  std::vector<std::string_view> names;
  for (const auto& s : model_->config.stages) names.push_back(s.name);
  names.push_back(model_->fallback_stage);
  return names;
}

// ---- Explanation::to_text ---------------------------------------------------------
namespace {

std::string num(double v) { return format_number(v); }

void trace_lines(const ConditionTrace& t, int depth, std::string& out) {
  out.append(static_cast<std::size_t>(4 + depth * 2), ' ');
  out += t.held ? "[x] " : "[ ] ";
  out += t.text;
  if (!t.actual.empty()) out += "  (is " + t.actual + ")";
  out += '\n';
  for (const auto& c : t.children) trace_lines(c, depth + 1, out);
}

}  // namespace

std::string ignored_events_text(const DerivedFacts& facts) {
  std::string out;
  const auto add = [&out](std::size_t n, const char* one, const char* many) {
    if (n == 0) return;
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + (n == 1 ? one : many);
  };
  add(facts.events_after_as_of, "after as_of", "after as_of");
  add(facts.events_duplicate, "repeated delivery (same id)", "repeated deliveries (same id)");
  add(facts.events_automated, "automated", "automated");
  return out;
}

std::string Explanation::to_text() const {
  std::string out;
  const Qualification& r = result;
  out += "stage " + std::string(r.stage) + "  grade " + std::string(r.grade) + "  fit " +
         num(r.fit) + "  engagement " + num(r.engagement) + "  total " + num(r.total) + "\n";
  if (r.disqualified) {
    out +=
        "disqualified: " + std::string(r.reason) + " (rule " + std::string(r.knockout_rule) + ")\n";
  }
  out += "facts: enrichment " + std::string(to_string(facts.enrichment)) + ", completeness " +
         num(facts.completeness * 100) + "%";
  if (facts.email_domain) {
    out += ", email domain " + *facts.email_domain + (facts.free_email ? " (free mail)" : "");
  }
  out += ", " + std::to_string(facts.events_considered) + " events";
  if (const std::string ignored = ignored_events_text(facts); !ignored.empty())
    out += " (ignored: " + ignored + ")";
  out += "\n";
  if (fit_unclamped != r.fit || engagement_unclamped != r.engagement) {
    out += "before clamping: fit " + num(fit_unclamped) + ", engagement " +
           num(engagement_unclamped) + "\n";
  }
  out += "contributions:\n";
  if (contributions.empty()) out += "  (none)\n";
  for (const auto& c : contributions) {
    char head[96];
    const std::string points = std::string(c.points > 0 ? "+" : "") + num(c.points);
    std::snprintf(head, sizeof head, "  %8s  %-10s ", points.c_str(),
                  std::string(to_string(c.kind)).c_str());
    out += head + c.rule_id + ": " + c.evidence + "\n";
  }
  for (const auto& n : type_notes) out += "type mismatch: " + n + "\n";
  if (!knockouts.empty()) {
    out += "knockouts:";
    for (const auto& k : knockouts) out += " " + k;
    out += "\n";
  }
  if (!stages.empty()) out += "stages:\n";
  for (const auto& s : stages) {
    out += "  " + s.stage + (s.held ? ": held" : ": not met") +
           (s.by_origin ? " (origin-specific condition)" : "") + "\n";
    trace_lines(s.condition, 0, out);
  }
  if (next) {
    out += (next->step ? "next stage " + next->stage + " needs:\n"
                       : "other stage " + next->stage + " (not the next step up) would need:\n");
    for (const auto& m : next->missing) out += "  - " + m + "\n";
  }
  return out;
}

}  // namespace leadscore
