#include "status_file.hpp"

#include <fmt/format.h>

#include "reload/file_io.hpp"

namespace reload::tools {

namespace {
const char* state_name(topology::Chord::State s) {
  switch (s) {
    case topology::Chord::State::idle: return "idle";
    case topology::Chord::State::joining: return "joining";
    case topology::Chord::State::joined: return "joined";
    case topology::Chord::State::left: return "left";
  }
  return "?";
}
}  // namespace

void StatusFile::write() {
  const auto& chord = node_.chord();
  const auto& n = chord.neighbors();
  auto ep = node_.listen_endpoint();
  put(fmt::format("node {} state {} pred {} succ {} links {} listen {}:{}", node_.self().hex(),
                  state_name(chord.state()),
                  n.predecessors().empty() ? "-" : n.predecessors().front().hex(),
                  n.successors().empty() ? "-" : n.successors().front().hex(), node_.link_count(),
                  ep.address().to_string(), ep.port()));
}

void StatusFile::write_stopped() { put(fmt::format("node {} state stopped", node_.self().hex())); }

void StatusFile::put(const std::string& line) {
  if (line == last_) return;
  last_ = line;
  auto tmp = path_;
  tmp += ".tmp";
  if (write_file(tmp, line + "\n")) return;
  std::error_code ec;
  std::filesystem::rename(tmp, path_, ec);
}

}  // namespace reload::tools
