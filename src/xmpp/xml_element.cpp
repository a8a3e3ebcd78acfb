#include "xmpp/xml_element.hpp"

#include <algorithm>

namespace reload::xmpp {

std::optional<std::string_view> Element::attribute(std::string_view name,
                                                   std::string_view ns) const noexcept {
  for (const auto& a : attributes_)
    if (a.name == name && a.ns == ns) return std::string_view(a.value);
  return std::nullopt;
}

Element& Element::set_attribute(std::string_view name, std::string_view value,
                                std::string_view ns) {
  for (auto& a : attributes_) {
    if (a.name == name && a.ns == ns) {
      a.value.assign(value);
      return *this;
    }
  }
  attributes_.push_back(Attribute{std::string(ns), std::string(name), std::string(value)});
  return *this;
}

bool Element::remove_attribute(std::string_view name, std::string_view ns) {
  auto it = std::find_if(attributes_.begin(), attributes_.end(),
                         [&](const Attribute& a) { return a.name == name && a.ns == ns; });
  if (it == attributes_.end()) return false;
  attributes_.erase(it);
  return true;
}

Element& Element::add_child(Element child) {
  return std::get<Element>(children_.emplace_back(std::in_place_type<Element>, std::move(child)));
}

Element& Element::add_text(std::string_view text) {
  if (text.empty()) return *this;
  if (!children_.empty())
    if (auto* last = std::get_if<std::string>(&children_.back())) {
      last->append(text);
      return *this;
    }
  children_.emplace_back(std::in_place_type<std::string>, text);
  return *this;
}

const Element* Element::child(std::string_view ns, std::string_view name) const noexcept {
  for (const auto& n : children_)
    if (const auto* e = std::get_if<Element>(&n); e && e->is(ns, name)) return e;
  return nullptr;
}

Element* Element::child(std::string_view ns, std::string_view name) noexcept {
  for (auto& n : children_)
    if (auto* e = std::get_if<Element>(&n); e && e->is(ns, name)) return e;
  return nullptr;
}

const Element* Element::first_child_element() const noexcept {
  for (const auto& n : children_)
    if (const auto* e = std::get_if<Element>(&n)) return e;
  return nullptr;
}

std::string Element::text() const {
  std::string out;
  for (const auto& n : children_)
    if (const auto* t = std::get_if<std::string>(&n)) out += *t;
  return out;
}

bool Element::operator==(const Element& other) const {
  return ns_ == other.ns_ && name_ == other.name_ && attributes_ == other.attributes_ &&
         children_ == other.children_;
}

}  // namespace reload::xmpp
