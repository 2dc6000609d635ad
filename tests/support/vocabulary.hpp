// The names the rule, stage and qualifier tests write unqualified: the
// condition builders of leadscore::cond, the lead and qualifier helpers of
// tests/support, and two list aliases. A test file opens them with
//
//   using namespace leadscore::test::vocabulary;
#pragma once

#include <string>
#include <vector>

#include "leadscore/config.hpp"

#include "support/lead_builder.hpp"
#include "support/qualifier_helpers.hpp"

namespace leadscore::test::vocabulary {

using cond::all;
using cond::any;
using cond::events;
using cond::field;
using cond::negate;
using test::as_of;
using test::build_ok;
using test::config_with;
using test::days_ago;
using test::ev;
using test::identical;
using test::LeadBuilder;
using test::utc;
using Strings = std::vector<std::string>;
using Numbers = std::vector<double>;

}  // namespace leadscore::test::vocabulary
