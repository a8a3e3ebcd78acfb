// A matrix of one-way delays between sites, read from a file: the other latency model of the
// channel (the "latency from coordinates or a matrix"), for measured data sets such
// as the King or PlanetLab matrices. Each simulated node is placed at a random site.
//
// Format: one row per line, numbers in milliseconds separated by spaces, tabs or commas;
// blank lines and lines starting with '#' are ignored. The matrix must be square, every
// entry a finite number >= 0; it need not be symmetric (row = sender, column = receiver).
#pragma once

#include <string>
#include <vector>

namespace reload::sim {

using LatencyMatrix = std::vector<std::vector<double>>;

// Throws std::runtime_error with the file name and line on anything malformed.
LatencyMatrix load_latency_matrix(const std::string& path);

}  // namespace reload::sim
