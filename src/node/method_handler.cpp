#include "node/method_handler.hpp"

#include <stdexcept>

namespace reload::node {

void MethodTable::add(wire::MessageCode code, MethodHandler& handler) {
  const auto c = static_cast<std::uint16_t>(code);
  if (!wire::is_request(c)) throw std::logic_error("a method handler registered for a non-request code");
  if (!handlers_.emplace(c, &handler).second) throw std::logic_error("two handlers registered for one method");
}

MethodHandler* MethodTable::find(std::uint16_t code) const noexcept {
  auto it = handlers_.find(code);
  return it == handlers_.end() ? nullptr : it->second;
}

}  // namespace reload::node
