// A global replacement of operator new / delete (every form: plain, array,
// aligned, nothrow, sized) that counts heap allocations per thread, and a
// scoped guard that reads the count. tests/support/alloc_counter.cpp is
// linked into the leadscore_tests executable, so the replacement applies to
// every test; it only adds one thread_local increment to each allocation.
#pragma once

#include <cstddef>

namespace leadscore::test {

/// Allocations (calls of any operator new) made by the calling thread since
/// it started.
std::size_t thread_allocation_count() noexcept;

/// Counts the allocations the current thread makes while the guard lives.
///
///   AllocationCounter counter;
///   (void)q.qualify(lead, as_of);
///   EXPECT_EQ(counter.allocations(), 0u);
class AllocationCounter {
 public:
  AllocationCounter() noexcept : start_(thread_allocation_count()) {}
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;

  /// Allocations made by this thread since the guard was constructed.
  [[nodiscard]] std::size_t allocations() const noexcept {
    return thread_allocation_count() - start_;
  }

 private:
  std::size_t start_;
};

}  // namespace leadscore::test
