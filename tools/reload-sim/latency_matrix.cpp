#include "latency_matrix.hpp"

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace reload::sim {

LatencyMatrix load_latency_matrix(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read", path));
  LatencyMatrix m;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    for (char& c : line)
      if (c == ',') c = ' ';
    std::istringstream fields(line);
    std::vector<double> row;
    std::string field;
    while (fields >> field) {
      std::size_t used = 0;
      double v = 0;
      try {
        v = std::stod(field, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != field.size() || !std::isfinite(v) || v < 0)
        throw std::runtime_error(fmt::format("{}:{}: '{}' is not a delay in ms (a number >= 0)", path, number, field));
      row.push_back(v);
    }
    m.push_back(std::move(row));
  }
  if (m.empty()) throw std::runtime_error(fmt::format("{}: no rows", path));
  for (std::size_t r = 0; r < m.size(); ++r)
    if (m[r].size() != m.size())
      throw std::runtime_error(
          fmt::format("{}: row {} has {} entries; a matrix of {} rows needs {}", path, r + 1, m[r].size(), m.size(), m.size()));
  return m;
}

}  // namespace reload::sim
