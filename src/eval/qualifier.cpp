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
namespace detail {

// ---- StringSet --------------------------------------------------------------
StringSet::StringSet(const std::vector<std::string>& items, bool case_insensitive)
    : ci_(case_insensitive) {
  std::size_t capacity = 8;
  while (capacity < items.size() * 2) capacity *= 2;
  slots_.assign(capacity, -1);
  mask_ = capacity - 1;
  for (const auto& item : items) {
    if (find(item) >= 0) continue;  // duplicates collapse onto the first
    std::uint64_t h = hash(item) & mask_;
    while (slots_[h] >= 0) h = (h + 1) & mask_;
    slots_[h] = static_cast<std::int32_t>(keys_.size());
    keys_.push_back(item);
  }
}

namespace {
// ASCII lower case of the 8 bytes of `x` at once (bytes >= 0x80 unchanged).
constexpr std::uint64_t lower8(std::uint64_t x) noexcept {
  constexpr std::uint64_t k7f = 0x7f7f7f7f7f7f7f7full, k80 = 0x8080808080808080ull;
  const std::uint64_t low7 = x & k7f;
  const std::uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3full;  // high bit set where byte >= 'A'
  const std::uint64_t gt_z = low7 + 0x2525252525252525ull;  // high bit set where byte > 'Z'
  const std::uint64_t upper = (ge_a ^ gt_z) & ~x & k80;
  return x | (upper >> 2);
}
std::uint64_t load8(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);  // one unaligned load
  return w;
}
bool has_high_bytes(std::string_view s) noexcept {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}
}  // namespace

// Eight bytes at a time: a few instructions for a typical event type or
// attribute value. Case-insensitive sets fold ASCII with lower8(); a key
// with non-ASCII bytes (which folding never maps to ASCII) is hashed byte by
// byte with the full fold (Latin-1 capitals), so equal keys hash equally.
std::uint64_t StringSet::hash(std::string_view key) const noexcept {
  const std::size_t n = key.size();
  const char* p = key.data();
  std::uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
  if (ci_ && has_high_bytes(key)) {
    for (std::size_t i = 0; i < n; ++i) {
      h ^= static_cast<unsigned char>(folded_at(key, i));
      h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
  }
  auto mix = [&](std::uint64_t w) {
    h = (h ^ (ci_ ? lower8(w) : w)) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  };
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 <= n; i += 8) mix(load8(p + i));
    if (n % 8 != 0) mix(load8(p + n - 8));  // the last 8 bytes, overlapping
  } else {
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < n; ++i)
      w |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
    mix(w);
  }
  return h ^ (h >> 29);
}

int StringSet::find(std::string_view key) const noexcept {
  if (slots_.empty()) return -1;
  std::uint64_t h = hash(key) & mask_;
  while (slots_[h] >= 0) {
    const std::string& k = keys_[static_cast<std::size_t>(slots_[h])];
    if (ci_ ? iequals(k, key) : k == key) return slots_[h];
    h = (h + 1) & mask_;
  }
  return -1;
}

bool StringSet::contains(std::string_view key) const noexcept { return find(key) >= 0; }

}  // namespace detail

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

Explanation Qualifier::explain(const Lead& lead, Instant as_of) const {
  Explanation ex;
  detail::Scratch scratch;
  detail::RecordingListener recorder(*model_, ex);
  ex.result =
      detail::evaluate(*model_, lead, as_of, scratch, detail::EvalRequest{}, &recorder, &ex.facts);
  return ex;
}

void Qualifier::qualify_all(std::span<const Lead> leads, Instant as_of,
                            std::span<Qualification> out, unsigned threads) const {
  if (out.size() != leads.size()) {
    throw std::invalid_argument("qualify_all: output span size " + std::to_string(out.size()) +
                                " differs from the number of leads " +
                                std::to_string(leads.size()));
  }
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t n = leads.size();
  const std::size_t workers = std::min<std::size_t>(threads, std::max<std::size_t>(1, n / 256));
  auto work = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) out[i] = qualify(leads[i], as_of);
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

std::vector<Qualification> Qualifier::qualify_all(std::span<const Lead> leads, Instant as_of,
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
  if (facts.events_after_as_of)
    out += " (" + std::to_string(facts.events_after_as_of) + " after as_of ignored)";
  out += "\n";
  if (fit_unclamped != r.fit || engagement_unclamped != r.engagement) {
    out += "before clamping: fit " + num(fit_unclamped) + ", engagement " +
           num(engagement_unclamped) + "\n";
  }
  out += "contributions:\n";
  if (contributions.empty()) out += "  (none)\n";
  for (const auto& c : contributions) {
    char head[96];
    const std::string points = (c.points > 0 ? "+" : "") + num(c.points);
    std::snprintf(head, sizeof head, "  %8s  %-10s ", points.c_str(),
                  std::string(to_string(c.kind)).c_str());
    out += head + c.rule_id + ": " + c.evidence + "\n";
  }
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
    out += "next stage " + next->stage + " needs:\n";
    for (const auto& m : next->missing) out += "  - " + m + "\n";
  }
  return out;
}

}  // namespace leadscore
