#include "report.hpp"

#include <algorithm>
#include <cmath>

namespace reload::sim {

void print_text(std::ostream& out, const Report& r) {
  std::size_t width = 0;
  for (const auto& f : r) width = std::max(width, f.name.size());
  for (const auto& f : r)
    out << f.name << ':' << std::string(width + 1 - f.name.size(), ' ') << f.value << (f.host ? "   (host)" : "")
        << '\n';
}

void print_csv(std::ostream& out, const Report& r) {
  for (std::size_t i = 0; i < r.size(); ++i) out << (i ? "," : "") << r[i].name;
  out << '\n';
  for (std::size_t i = 0; i < r.size(); ++i) {
    const bool quote = r[i].value.find_first_of(",\" ") != std::string::npos;
    out << (i ? "," : "");
    if (!quote) {
      out << r[i].value;
      continue;
    }
    out << '"';
    for (char c : r[i].value) out << (c == '"' ? "\"\"" : std::string(1, c));
    out << '"';
  }
  out << '\n';
}

template <class T>
double percentile(std::vector<T> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  rank = std::clamp<std::size_t>(rank, 1, values.size());
  return static_cast<double>(values[rank - 1]);
}

template double percentile<int>(std::vector<int>, double);
template double percentile<double>(std::vector<double>, double);

}  // namespace reload::sim
