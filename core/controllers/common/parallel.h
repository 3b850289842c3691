#pragma once

// ParallelFor: fn(0) ... fn(n-1) on up to `threads` threads (the caller's included); returns
// when all are done. For a controller's independent API writes, which the store commits in
// groups when they arrive together.

#include <functional>

namespace skiff::controllers {

void ParallelFor(int n, int threads, const std::function<void(int i)>& fn);

}  // namespace skiff::controllers
