// leadscore/json.hpp — opt-in nlohmann::json interface. Include this header
// only if your application already uses nlohmann_json; the core headers do
// not depend on it.
#pragma once

#include <nlohmann/json.hpp>

#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/export.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/limits.hpp"
#include "leadscore/qualifier.hpp"

namespace leadscore {

LEADSCORE_EXPORT Result<Lead> lead_from_json(const nlohmann::json& json, const Limits& limits = {});
LEADSCORE_EXPORT nlohmann::json to_json(const Lead& lead);

LEADSCORE_EXPORT Result<Config> config_from_json(const nlohmann::json& json,
                                                 const Limits& limits = {});
LEADSCORE_EXPORT nlohmann::json to_json(const Config& config);

/// Parses and builds a Qualifier from a JSON value.
LEADSCORE_EXPORT Result<Qualifier> qualifier_from_json(const nlohmann::json& json,
                                                       const BuildOptions& options = {});

/// Qualification / Explanation as JSON (the CLI's output records).
LEADSCORE_EXPORT nlohmann::json to_json(const Qualification& result);
LEADSCORE_EXPORT nlohmann::json to_json(const Explanation& explanation);

}  // namespace leadscore
