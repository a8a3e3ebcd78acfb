// The figures of one run, named once and printed two ways: "name: value" lines for people and
// a CSV header and row for scripts. Fields marked `host` (wall time, memory) depend on the
// machine; every other field depends only on the settings and the seed.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace reload::sim {

struct Field {
  std::string name;
  std::string value;
  bool host = false;
};

using Report = std::vector<Field>;

void print_text(std::ostream& out, const Report& r);
void print_csv(std::ostream& out, const Report& r);

// Nearest-rank percentile (0 < p <= 100) of `values`; 0 when empty. Sorts a copy.
template <class T>
double percentile(std::vector<T> values, double p);

}  // namespace reload::sim
