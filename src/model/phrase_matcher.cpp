#include "model/phrase_matcher.hpp"

#include <algorithm>
#include <deque>
#include <utility>

#include "core/text.hpp"

namespace leadscore::detail {
namespace {

/// Calls out(symbol) for the symbols of `s` (phrase_matcher.hpp): a start
/// symbol before every byte that begins a word boundary, the byte (folded
/// when `ci`), an end symbol after every byte that ends one. Stops, and
/// returns true, as soon as out() returns true.
template <class Out>
bool for_each_symbol(std::string_view s, bool ci, std::uint16_t start, std::uint16_t end,
                     Out&& out) {
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n; ++i) {
    if ((i == 0 || !is_word_char(s[i - 1])) && out(start)) return true;
    if (out(static_cast<std::uint16_t>(static_cast<unsigned char>(ci ? folded_at(s, i) : s[i]))))
      return true;
    if ((i + 1 == n || !is_word_char(s[i + 1])) && out(end)) return true;
  }
  return false;
}

}  // namespace

PhraseMatcher::PhraseMatcher(const std::vector<std::string>& phrases, bool case_insensitive)
    : ci_(case_insensitive) {
  // The trie, edges unsorted while it grows.
  std::vector<std::vector<std::pair<Symbol, std::uint32_t>>> kids(1);
  std::vector<bool> terminal(1, false);
  for (const std::string& phrase : phrases) {
    if (phrase.empty()) continue;
    std::uint32_t state = 0;
    for_each_symbol(phrase, ci_, kStart, kEnd, [&](Symbol s) {
      auto& edges = kids[state];
      const auto it =
          std::find_if(edges.begin(), edges.end(), [s](const auto& e) { return e.first == s; });
      if (it != edges.end()) {
        state = it->second;
        return false;
      }
      const auto next = static_cast<std::uint32_t>(kids.size());
      edges.emplace_back(s, next);
      kids.emplace_back();
      terminal.push_back(false);
      state = next;
      return false;
    });
    terminal[state] = true;
  }
  // Flattened, sorted edges.
  const std::size_t states = kids.size();
  edge_begin_.reserve(states + 1);
  for (auto& edges : kids) {
    std::sort(edges.begin(), edges.end());
    edge_begin_.push_back(static_cast<std::uint32_t>(edge_symbol_.size()));
    for (const auto& [s, t] : edges) {
      edge_symbol_.push_back(s);
      edge_target_.push_back(t);
    }
  }
  edge_begin_.push_back(static_cast<std::uint32_t>(edge_symbol_.size()));
  kids.clear();
  root_.assign(kEnd + 1, 0);
  for (std::uint32_t e = edge_begin_[0]; e < edge_begin_[1]; ++e)
    root_[edge_symbol_[e]] = edge_target_[e];
  // Failure links in breadth-first order; a state accepts when a phrase ends
  // there or at the state its failure link leads to.
  fail_.assign(states, 0);
  accepts_.assign(states, false);
  std::deque<std::uint32_t> queue;
  for (std::uint32_t e = edge_begin_[0]; e < edge_begin_[1]; ++e) {
    accepts_[edge_target_[e]] = terminal[edge_target_[e]];
    queue.push_back(edge_target_[e]);
  }
  while (!queue.empty()) {
    const std::uint32_t u = queue.front();
    queue.pop_front();
    for (std::uint32_t e = edge_begin_[u]; e < edge_begin_[u + 1]; ++e) {
      const std::uint32_t v = edge_target_[e];
      fail_[v] = step(fail_[u], edge_symbol_[e]);
      accepts_[v] = terminal[v] || accepts_[fail_[v]];
      queue.push_back(v);
    }
  }
}

std::uint32_t PhraseMatcher::child(std::uint32_t state, Symbol s) const noexcept {
  const auto first = edge_symbol_.begin() + edge_begin_[state];
  const auto last = edge_symbol_.begin() + edge_begin_[state + 1];
  const auto it = std::lower_bound(first, last, s);
  if (it == last || *it != s) return kNone;
  return edge_target_[static_cast<std::size_t>(it - edge_symbol_.begin())];
}

std::uint32_t PhraseMatcher::step(std::uint32_t state, Symbol s) const noexcept {
  for (;;) {
    if (state == 0) return root_[s];
    if (const std::uint32_t c = child(state, s); c != kNone) return c;
    state = fail_[state];
  }
}

bool PhraseMatcher::matches(std::string_view text) const noexcept {
  if (empty()) return false;
  std::uint32_t state = 0;
  // Every phrase ends with an end symbol: only those can complete a match.
  return for_each_symbol(text, ci_, kStart, kEnd, [&](Symbol s) {
    state = step(state, s);
    return s == kEnd && accepts_[state];
  });
}

}  // namespace leadscore::detail
