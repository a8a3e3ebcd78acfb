// A light XML DOM for stanzas: an element is a namespace URI, a local name, attributes and
// children that are elements or text. Names are always (namespace URI, local name) pairs,
// never prefixes: prefixes are a property of one serialisation, not of the data, so a stanza
// parsed from one stream can be written to another whose declarations differ
// (xml_writer.hpp chooses the declarations).
//
// The DOM holds whatever it is given; xml_writer.hpp refuses what cannot be written as
// XML 1.0 (bad UTF-8, forbidden control characters, invalid names), so a stanza built by
// our own code can never turn into bytes that the peer's parser rejects.
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace reload::xmpp {

// Namespace names used by the stream layer (RFC 6120 sections 4.8, 4.9.3, 11.2).
namespace ns {
inline constexpr std::string_view client = "jabber:client";
inline constexpr std::string_view streams = "http://etherx.jabber.org/streams";
inline constexpr std::string_view stream_errors = "urn:ietf:params:xml:ns:xmpp-streams";
// Bound to the prefix `xml` by the XML namespaces spec itself (xml:lang).
inline constexpr std::string_view xml = "http://www.w3.org/XML/1998/namespace";
}  // namespace ns

struct Attribute {
  std::string ns;  // empty: no namespace (the usual case: unprefixed attributes have none)
  std::string name;
  std::string value;

  bool operator==(const Attribute&) const = default;
};

class Element;
// A child is an element or a run of character data (already unescaped).
using XmlNode = std::variant<Element, std::string>;

class Element {
 public:
  Element() = default;
  Element(std::string ns, std::string name) : ns_(std::move(ns)), name_(std::move(name)) {}

  const std::string& ns() const noexcept { return ns_; }
  const std::string& name() const noexcept { return name_; }
  bool is(std::string_view ns, std::string_view name) const noexcept {
    return name_ == name && ns_ == ns;
  }

  // Attributes keep document order. Lookup is linear: stanzas carry a handful.
  const std::vector<Attribute>& attributes() const noexcept { return attributes_; }
  std::optional<std::string_view> attribute(std::string_view name,
                                            std::string_view ns = {}) const noexcept;
  // Replaces the value of an existing attribute of that name, or appends one.
  Element& set_attribute(std::string_view name, std::string_view value,
                         std::string_view ns = {});
  bool remove_attribute(std::string_view name, std::string_view ns = {});
  // Appends without looking for a duplicate: for the parser, whose input expat has already
  // checked for duplicates. A duplicate added here is refused by the writer.
  void append_attribute(Attribute a) { attributes_.push_back(std::move(a)); }
  void reserve_attributes(std::size_t n) { attributes_.reserve(n); }

  const std::vector<XmlNode>& children() const noexcept { return children_; }
  // Adds a child element and returns it (a reference into this element: it stays valid
  // until the next child is added).
  Element& add_child(Element child);
  Element& add_child(std::string ns, std::string name) {
    return add_child(Element(std::move(ns), std::move(name)));
  }
  // Appends character data, merged with a text child that ends the list.
  Element& add_text(std::string_view text);
  void clear_children() noexcept { children_.clear(); }

  // The first child element with this name, or nullptr.
  const Element* child(std::string_view ns, std::string_view name) const noexcept;
  Element* child(std::string_view ns, std::string_view name) noexcept;
  // The first child element whatever its name, or nullptr: a stream error names its
  // condition by its first child.
  const Element* first_child_element() const noexcept;

  // Child elements only, in document order: `for (const Element& c : e.child_elements())`.
  class ElementRange;
  ElementRange child_elements() const noexcept;

  // The concatenated text children of this element (not of its descendants): the body of
  // <body>hello</body>. Empty when there are none.
  std::string text() const;

  // Structural equality: same names, same attributes in the same order, same children.
  bool operator==(const Element& other) const;

 private:
  std::string ns_;
  std::string name_;
  std::vector<Attribute> attributes_;
  std::vector<XmlNode> children_;
};

// A view of the element children of a node list, skipping text. Hand-written rather than
// std::views::filter so that clang (the fuzz builds) compiles it against libstdc++ 12.
class Element::ElementRange {
 public:
  class iterator {
   public:
    using value_type = Element;
    using difference_type = std::ptrdiff_t;
    using reference = const Element&;
    using pointer = const Element*;
    using iterator_category = std::forward_iterator_tag;

    iterator() = default;
    iterator(const XmlNode* at, const XmlNode* end) : at_(at), end_(end) { skip_text(); }
    reference operator*() const { return *std::get_if<Element>(at_); }
    pointer operator->() const { return std::get_if<Element>(at_); }
    iterator& operator++() {
      ++at_;
      skip_text();
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const iterator& o) const { return at_ == o.at_; }

   private:
    void skip_text() {
      while (at_ != end_ && !std::holds_alternative<Element>(*at_)) ++at_;
    }
    const XmlNode* at_ = nullptr;
    const XmlNode* end_ = nullptr;
  };

  explicit ElementRange(const std::vector<XmlNode>& nodes)
      : begin_(nodes.data()), end_(nodes.data() + nodes.size()) {}
  iterator begin() const { return iterator(begin_, end_); }
  iterator end() const { return iterator(end_, end_); }

 private:
  const XmlNode* begin_;
  const XmlNode* end_;
};

inline Element::ElementRange Element::child_elements() const noexcept {
  return ElementRange(children_);
}

}  // namespace reload::xmpp
