// A LeadState as JSON (docs/lifecycle.md#persistence): LeadState::to_json(),
// LeadState::from_json() and config_fingerprint().
//
// Reading is in two steps: StateReader checks the text against the format
// (every problem reported, with JSON pointers), then the saved stages are
// checked against the configuration the state is loaded under. Only then is
// the state rebuilt: its lead's events replayed, its lifecycle fields
// restored (LeadState::restore, src/lifecycle/saved_state.hpp).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "leadscore/io.hpp"
#include "leadscore/json.hpp"
#include "leadscore/lead_state.hpp"

#include "core/diagnostics.hpp"
#include "core/format.hpp"
#include "json/json_reader.hpp"
#include "json/json_util.hpp"
#include "lifecycle/saved_state.hpp"

namespace leadscore {

namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "leadscore.lead_state";
constexpr int kFormatVersion = 1;

json instant_json(const std::optional<Instant>& t) {
  return t ? json(format_instant(*t)) : json(nullptr);
}

json transition_json(const Transition& t) {
  return {{"from", t.from},
          {"to", t.to},
          {"at", format_instant(t.at)},
          {"cause", std::string(to_string(t.cause))},
          {"reason", t.reason},
          {"conditions", t.conditions},
          {"rules", t.rules},
          {"fit", t.fit},
          {"engagement", t.engagement},
          {"total", t.total}};
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

/// A saved state as read from its JSON form, before it meets a configuration.
struct Saved {
  Lead lead;
  std::optional<std::string> stage;
  detail::SavedState fields;
  std::optional<std::string> fingerprint;  ///< config.fingerprint, when it is a string
};

class StateReader final : public detail::JsonReader {
 public:
  StateReader() : JsonReader(Settings{}) {}

  /// Warnings of the saved lead (its errors go to `diagnostics`).
  std::vector<Diagnostic> warnings;

  Saved read(const json& j) {
    Saved saved;
    if (!expect_object(j, "", "a lead state object")) return saved;
    read_format(j);
    if (const json* v = required(j, "", "lead")) read_lead(*v, saved.lead);
    saved.stage = text(j, "", "stage");
    read_status(j, saved.fields);
    if (const json* v = member(j, "history")) read_history(*v, saved.fields.history);
    if (const json* v = member(j, "hold"); v && !v->is_null()) read_hold(*v, saved.fields);
    if (const json* config = member(j, "config")) read_config(*config, saved);
    return saved;
  }

  /// Checks the saved instants against each other (what observe(),
  /// feedback() and rescore() record never breaks) and, when given, against
  /// `not_after`: a tampered state must not load silently.
  void check_instants(const Saved& saved, std::optional<Instant> not_after) {
    const detail::SavedState& f = saved.fields;
    const auto check = [&](const std::optional<Instant>& t, std::string pointer,
                           std::string_view what) {
      if (!t) return;
      if (not_after && *t > *not_after) {
        error("invalid_value", std::move(pointer),
              std::string(what) + " " + format_instant(*t) + " is later than the loading time " +
                  format_instant(*not_after));
      } else if (!f.observed) {
        error("invalid_value", std::move(pointer),
              std::string(what) + " " + format_instant(*t) +
                  " is set but observed_at is not (a state records instants when observed)");
      } else if (*t > *f.observed) {
        error("invalid_value", std::move(pointer),
              std::string(what) + " " + format_instant(*t) + " is later than observed_at " +
                  format_instant(*f.observed));
      }
    };
    check(f.observed, "/observed_at", "observed_at");
    check(f.entered, "/entered_at", "entered_at");
    check(f.failing_since, "/failing_since", "failing_since");
    for (std::size_t i = 0; i < f.history.size(); ++i) {
      check(f.history[i].at, child(child("/history", i), "at"), "the transition's instant");
    }
  }

 private:
  /// The configuration the state was saved under: an object whose name and
  /// fingerprint, when present, are strings.
  void read_config(const json& config, Saved& saved) {
    if (!config.is_object()) {
      wrong_type("/config", "an object (name and fingerprint)", config);
      return;
    }
    (void)text(config, "/config", "name", false);
    saved.fingerprint = text(config, "/config", "fingerprint", false);
  }

  [[nodiscard]] std::string bad_instant_message(const std::string& /*text*/,
                                                const json& /*value*/) const override {
    return "expected an ISO-8601 instant (the value is not shown)";
  }

  /// The string `key` of `object`; a missing_key when `needed` and absent.
  std::optional<std::string> text(const json& object, std::string_view pointer,
                                  std::string_view key, bool needed = true) {
    const json* v = needed ? required(object, pointer, key) : member(object, key);
    std::string out;
    if (v == nullptr || !read_string(*v, child(pointer, key), out)) return std::nullopt;
    return out;
  }

  /// The instant `key` of `object`: absent or null is none.
  std::optional<Instant> instant(const json& object, std::string_view pointer,
                                 std::string_view key) {
    const json* v = member(object, key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    return read_instant(*v, child(pointer, key), "an ISO-8601 instant or null");
  }

  void read_format(const json& j) {
    const auto format = text(j, "", "format");
    if (format && *format != kFormat) {
      error("invalid_value", "/format",
            "not a lead state: format is \"" + *format + "\", expected \"" + std::string(kFormat) +
                "\"");
    }
    if (const json* v = required(j, "", "version")) {
      if (!v->is_number_integer() || v->get<std::int64_t>() != kFormatVersion) {
        error("unsupported_version", "/version",
              "unsupported lead state version " + v->dump() + " (this version of leadscore reads " +
                  std::to_string(kFormatVersion) + ")");
      }
    }
  }

  /// The saved lead, read as lead_from_json() reads one; its diagnostics
  /// point into the state ("/lead/...").
  void read_lead(const json& value, Lead& lead) {
    auto read = lead_from_json(value, Limits{});
    for (Diagnostic d : read.diagnostics()) {
      d.pointer = "/lead" + d.pointer;
      d.line = d.column = 0;
      (d.is_error() ? diagnostics : warnings).push_back(std::move(d));
    }
    if (read.ok()) lead = std::move(read).value();
  }

  /// sales_status, disqualified and the instants of the lifecycle.
  void read_status(const json& j, detail::SavedState& out) {
    if (const auto sales = text(j, "", "sales_status", false)) {
      if (const auto s = parse_sales_status(*sales)) {
        out.sales = *s;
      } else {
        error("invalid_value", "/sales_status",
              "unknown sales status \"" + *sales +
                  "\" (expected none, accepted, rejected, won or lost)");
      }
    }
    field(j, "", "disqualified", out.disqualified);
    out.entered = instant(j, "", "entered_at");
    out.observed = instant(j, "", "observed_at");
    out.failing_since = instant(j, "", "failing_since");
  }

  void read_history(const json& value, std::vector<Transition>& out) {
    if (!value.is_array()) {
      wrong_type("/history", "an array", value);
      return;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      const std::string p = child("/history", i);
      if (!value[i].is_object()) {
        error("wrong_type", p, "expected a transition object");
        continue;
      }
      out.push_back(read_transition(value[i], p));
    }
  }

  Transition read_transition(const json& e, const std::string& p) {
    Transition t;
    if (auto s = text(e, p, "from")) t.from = *s;
    if (auto s = text(e, p, "to")) t.to = *s;
    if (auto at = instant(e, p, "at")) t.at = *at;
    if (auto s = text(e, p, "cause")) {
      if (auto c = parse_transition_cause(*s)) {
        t.cause = *c;
      } else {
        error("invalid_value", p + "/cause", "unknown transition cause \"" + *s + "\"");
      }
    }
    if (auto s = text(e, p, "reason", false)) t.reason = *s;
    read_names(e, p, "conditions", t.conditions);
    read_names(e, p, "rules", t.rules);
    field(e, p, "fit", t.fit);
    field(e, p, "engagement", t.engagement);
    field(e, p, "total", t.total);
    return t;
  }

  /// An array of strings (other elements are skipped).
  void read_names(const json& object, const std::string& pointer, std::string_view key,
                  std::vector<std::string>& out) {
    const json* list = member(object, key);
    if (list == nullptr) return;
    if (!list->is_array()) {
      error("wrong_type", child(pointer, key), "expected an array of strings");
      return;
    }
    for (const json& item : *list) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  }

  void read_hold(const json& value, detail::SavedState& out) {
    if (!value.is_object()) {
      error("wrong_type", "/hold", "expected an object or null");
      return;
    }
    const auto until = instant(value, "/hold", "until");
    if (auto s = text(value, "/hold", "stage")) out.hold_stage = *s;
    out.hold_until = until;
  }
};

/// Diagnostics without a position get the line:column of their pointer (one
/// pass over the text for all of them).
std::vector<Diagnostic> located(std::vector<Diagnostic> diagnostics, std::string_view text) {
  locate(diagnostics, text);
  return diagnostics;
}

/// The saved stages must exist under `qualifier`'s configuration (the won
/// stage too; "" is a state never observed).
std::vector<Diagnostic> stage_errors(const Qualifier& qualifier, const Saved& saved) {
  std::vector<Diagnostic> errors;
  const std::vector<std::string_view> stages = qualifier.stage_names();  // fallback last
  const auto is_stage = [&](std::string_view name) {
    return std::find(stages.begin(), stages.end(), name) != stages.end();
  };
  const auto error = [&](std::string pointer, std::string message) {
    errors.push_back(
        detail::make_error("state_unknown_stage", std::move(pointer), std::move(message)));
  };
  const std::string& stage = saved.stage ? *saved.stage : std::string();
  if (!stage.empty() && !is_stage(stage) &&
      stage != qualifier.config().lifecycle.feedback.won_stage) {
    error("/stage", "the saved stage '" + stage +
                        "' does not exist in this configuration (stages: " + detail::join(stages) +
                        "); map it to a configured stage before loading");
  }
  const detail::SavedState& fields = saved.fields;
  if (fields.hold_until && !fields.hold_stage.empty() && !is_stage(fields.hold_stage)) {
    error("/hold/stage",
          "the hold stage '" + fields.hold_stage + "' does not exist in this configuration");
  }
  return errors;
}

/// A warning when the state was saved under another configuration.
std::optional<Diagnostic> config_changed(const Saved& saved, const Config& config) {
  if (!saved.fingerprint) return std::nullopt;
  const std::string now = config_fingerprint(config);
  if (*saved.fingerprint == now) return std::nullopt;
  return detail::make_warning(
      "config_changed", "/config/fingerprint",
      "saved under configuration " + *saved.fingerprint + ", loaded under " + now +
          ": scores are rebuilt from the events; call rescore() to record stage changes");
}

}  // namespace

std::string config_fingerprint(const Config& config) {
  const std::string text = to_json_text(config);
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string LeadState::to_json() const {
  const Config& config = qualifier().config();
  const detail::SavedState s = saved_state();
  json j = json::object();
  j["format"] = kFormat;
  j["version"] = kFormatVersion;
  j["config"] = {{"name", config.name}, {"fingerprint", config_fingerprint(config)}};
  j["lead"] = leadscore::to_json(lead());
  j["stage"] = s.stage;
  j["entered_at"] = instant_json(s.entered);
  j["observed_at"] = instant_json(s.observed);
  j["failing_since"] = instant_json(s.failing_since);
  j["disqualified"] = s.disqualified;
  j["sales_status"] = std::string(to_string(s.sales));
  if (s.hold_until) {
    j["hold"] = {{"until", format_instant(*s.hold_until)}, {"stage", s.hold_stage}};
  } else {
    j["hold"] = nullptr;
  }
  json history = json::array();
  for (const Transition& t : s.history) history.push_back(transition_json(t));
  j["history"] = std::move(history);
  // Invalid UTF-8 in a string set from C++ is written as U+FFFD (as
  // to_json_text() does), so the text always reads back.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<LeadState> LeadState::from_json(const Qualifier& qualifier, std::string_view text) {
  return load_state(qualifier, text, std::nullopt);
}

Result<LeadState> LeadState::from_json(const Qualifier& qualifier, std::string_view text,
                                       Instant not_after) {
  return load_state(qualifier, text, not_after);
}

Result<LeadState> LeadState::load_state(const Qualifier& qualifier, std::string_view text,
                                        std::optional<Instant> not_after) {
  const Limits limits;
  detail::StrictOptions options;
  options.max_bytes = limits.max_lead_bytes * 2;
  options.max_depth = limits.max_condition_depth * 2 + 16;
  options.max_string_length = limits.max_string_length;
  options.quote_text = false;  // a state holds lead data
  detail::StrictParse parsed = detail::parse_json_strict(text, options);
  if (!parsed.value) return Result<LeadState>(std::move(parsed.diagnostics));
  StateReader reader;
  Saved saved = reader.read(*parsed.value);
  if (!has_errors(reader.diagnostics)) reader.check_instants(saved, not_after);
  if (has_errors(reader.diagnostics)) {
    return Result<LeadState>(located(std::move(reader.diagnostics), text));
  }
  std::vector<Diagnostic> errors = stage_errors(qualifier, saved);
  if (!errors.empty()) return Result<LeadState>(located(std::move(errors), text));

  // The saved lead within Limits can still be over what a state holds (a
  // lead of more than max_lead_bytes of JSON): an error, not an exception.
  std::optional<LeadState> loaded;
  try {
    loaded.emplace(qualifier, std::move(saved.lead));
  } catch (const Error& e) {
    return Result<LeadState>(located(e.diagnostics(), text));
  }
  LeadState& state = *loaded;
  saved.fields.stage = saved.stage.value_or("");
  state.restore(std::move(saved.fields));
  std::vector<Diagnostic> warnings = std::move(reader.warnings);
  if (auto w = config_changed(saved, state.qualifier().config())) warnings.push_back(*w);
  return Result<LeadState>(std::move(state), located(std::move(warnings), text));
}

}  // namespace leadscore
