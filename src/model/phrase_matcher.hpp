// Whole-phrase matching for `contains_any` (private): one automaton for all
// of a condition's phrases, built when the Qualifier is built.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace leadscore::detail {

/// Answers "does `text` contain one of the phrases as a whole phrase (at
/// word boundaries)?" in one pass over the text, whatever the number of
/// phrases: an Aho–Corasick automaton over the phrases in which word
/// boundaries are symbols of their own. The text is read as a stream of
/// bytes with a "start" symbol before every byte that begins a word
/// boundary (the first byte, or one after a non-word byte) and an "end"
/// symbol after every byte that ends one (the last byte, or one before a
/// non-word byte); each phrase is written the same way. A phrase then
/// occurs at word boundaries exactly when its symbols occur in the text's,
/// so the scan is linear in the text (at most 3 symbols per byte) and
/// the automaton linear in the phrases' total length.
class PhraseMatcher {
 public:
  PhraseMatcher() = default;
  /// `phrases` are already folded when `case_insensitive` (lower case);
  /// empty phrases never match.
  PhraseMatcher(const std::vector<std::string>& phrases, bool case_insensitive);

  [[nodiscard]] bool matches(std::string_view text) const noexcept;
  [[nodiscard]] bool empty() const noexcept { return fail_.size() <= 1; }

 private:
  using Symbol = std::uint16_t;  ///< a byte (0-255), kStart or kEnd
  static constexpr Symbol kStart = 256;
  static constexpr Symbol kEnd = 257;
  static constexpr std::uint32_t kNone = 0xffffffffU;

  /// The child of `state` on `s`, or kNone.
  [[nodiscard]] std::uint32_t child(std::uint32_t state, Symbol s) const noexcept;
  /// The automaton's move from `state` on `s` (failure links followed).
  [[nodiscard]] std::uint32_t step(std::uint32_t state, Symbol s) const noexcept;

  bool ci_ = true;
  // Per state: its edges are edge_symbol_/edge_target_[edge_begin_[s], edge_begin_[s + 1]),
  // sorted by symbol; its failure link; whether a phrase ends here or at a suffix.
  std::vector<std::uint32_t> edge_begin_;
  std::vector<Symbol> edge_symbol_;
  std::vector<std::uint32_t> edge_target_;
  std::vector<std::uint32_t> fail_;
  std::vector<bool> accepts_;
  std::vector<std::uint32_t> root_;  ///< the root's move on each symbol, dense
};

}  // namespace leadscore::detail
