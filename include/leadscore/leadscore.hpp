// leadscore/leadscore.hpp — everything but the opt-in nlohmann interface
// (leadscore/json.hpp).
#pragma once

#include "leadscore/config.hpp"
#include "leadscore/diagnostics.hpp"
#include "leadscore/io.hpp"
#include "leadscore/lead.hpp"
#include "leadscore/lead_state.hpp"
#include "leadscore/limits.hpp"
#include "leadscore/model_diff.hpp"
#include "leadscore/qualifier.hpp"
#include "leadscore/text.hpp"
#include "leadscore/time.hpp"
#include "leadscore/version.hpp"
