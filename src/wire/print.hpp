// A generic tree printer for decoded values (sans-I/O: it appends text to a std::string).
//
//   std::string out;
//   TreeWriter w(out);
//   print_tree(w, "message", message);
//
// prints every field named, one per line, children indented by two spaces:
//
//   message (Message)
//     header (ForwardingHeader)
//       overlay: 2594384781 (0x9aa32b8d)
//       fragment: 0xc0000000 (last fragment, offset 0)
//       ...
//     contents (MessageContents)
//       message_code: ping_req (0x0017)
//
// print_tree() knows every structure described with RELOAD_WIRE_DESCRIBE (describe.hpp), so a
// new structure prints with no change here. Besides those it handles described enums
// (`hash: sha256 (4)`, `unknown (9)`), other enums (as numbers), std::variant (the held
// alternative), std::optional, ranges (`[i]` per element), byte strings (Bytes, Buffer,
// std::array<uint8_t, N>), NodeId, ResourceId, bool, integers and strings. A type that needs
// its own rendering gets a non-template overload
//   void print_tree(TreeWriter&, const char* name, const MyType&);
// in its own namespace: argument-dependent lookup prefers it to the template below.
#pragma once

#include <boost/describe/enum_to_string.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/describe/modifiers.hpp>
#include <boost/mp11/algorithm.hpp>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "wire/bytes.hpp"
#include "wire/node_id.hpp"

namespace reload::wire {

struct PrintOptions {
  // Bytes shown of a long byte string before "... N more bytes"; 0 shows every byte.
  std::size_t max_bytes = 256;
  // Bytes per line once a byte string no longer fits on its field's line.
  std::size_t bytes_per_line = 32;
};

// Where the tree goes, and how deep the current line is. Every line ends with '\n'.
class TreeWriter {
 public:
  explicit TreeWriter(std::string& out, PrintOptions options = {}) noexcept
      : out_(out), options_(options) {}

  const PrintOptions& options() const noexcept { return options_; }
  std::size_t depth() const noexcept { return depth_; }

  // `name: value`
  void field(std::string_view name, std::string_view value);
  // `name (type)` or `name` when type is empty, then one level deeper until close().
  void open(std::string_view name, std::string_view type = {});
  void close() noexcept;
  // A line of free text at the current depth (notes, errors).
  void line(std::string_view text);

  // Leaves. `name` selects a rendering for a few fields (integer()).
  void boolean(std::string_view name, bool v);
  // Decimal; for overlay, transaction_id, received and flags also hex; fragment as its bits;
  // message_code and error_code with the RFC's name; storage_time and time (milliseconds since
  // 1970) also as UTC. `size` is the integer's size in bytes.
  void integer(std::string_view name, std::uint64_t v, std::size_t size);
  void signed_integer(std::string_view name, std::int64_t v);
  // `name: enumerator (value)`, or `unknown (value)` when enumerator is nullptr.
  void enumeration(std::string_view name, const char* enumerator, std::int64_t value);
  // `name: <n bytes> hex "text"`: the text only when every byte is printable ASCII (a field
  // named addr of 4 or 16 bytes shows its IP address instead); long
  // strings continue on the lines below, and stop after options().max_bytes.
  void bytes(std::string_view name, Bytes b);
  void text(std::string_view name, std::string_view s);  // quoted, non-printables escaped
  void node_id(std::string_view name, const NodeId& id);
  void resource_id(std::string_view name, const ResourceId& id);

 private:
  void indent();
  std::string& out_;
  PrintOptions options_;
  std::size_t depth_ = 0;
};

namespace print_detail {

template <class T>
struct is_variant : std::false_type {};
template <class... A>
struct is_variant<std::variant<A...>> : std::true_type {};
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
concept described_struct = boost::describe::has_describe_members<T>::value;

template <class T>
concept named_type = requires(const T* p) {
  { wire_name(p) } -> std::convertible_to<const char*>;
};

template <class T>
concept byte_string = requires(const T& v) {
  { std::data(v) } -> std::convertible_to<const std::uint8_t*>;
  { std::size(v) } -> std::convertible_to<std::size_t>;
};

template <class T>
concept string_like = std::is_convertible_v<const T&, std::string_view>;

template <class T>
inline constexpr bool always_false = false;

// What a variant's leaf alternative is called: `[0] (NodeId): fedc...`.
template <class T>
std::string type_label() {
  if constexpr (named_type<T>) return wire_name(static_cast<const T*>(nullptr));
  else if constexpr (std::is_same_v<T, NodeId>) return "NodeId";
  else if constexpr (std::is_same_v<T, ResourceId>) return "ResourceId";
  else if constexpr (std::is_same_v<T, bool>) return "bool";
  else if constexpr (std::is_integral_v<T>)
    return (std::is_signed_v<T> ? "int" : "uint") + std::to_string(8 * sizeof(T));
  else if constexpr (byte_string<T>) return "opaque";
  else return "value";
}

std::string element_name(std::size_t i);                         // "[3]"
std::string labelled(const char* name, const std::string& type);  // "name (type)"

}  // namespace print_detail

template <class T>
void print_tree(TreeWriter& w, const char* name, const T& value);

// The fields of a described structure, one per line at the writer's depth, without a line
// for the structure itself.
template <class T>
  requires print_detail::described_struct<T>
void print_members(TreeWriter& w, [[maybe_unused]] const T& value) {
  using Members = boost::describe::describe_members<T, boost::describe::mod_any_access>;
  boost::mp11::mp_for_each<Members>(
      [&](auto m) { print_tree(w, m.name, value.*m.pointer); });
}

template <class T>
void print_tree(TreeWriter& w, const char* name, const T& value) {
  namespace pd = print_detail;
  if constexpr (std::is_same_v<T, bool>) {
    w.boolean(name, value);
  } else if constexpr (std::is_enum_v<T>) {
    using U = std::underlying_type_t<T>;
    auto number = static_cast<std::int64_t>(static_cast<U>(value));
    if constexpr (boost::describe::has_describe_enumerators<T>::value)
      w.enumeration(name, boost::describe::enum_to_string(value, nullptr), number);
    else if constexpr (std::is_signed_v<U>)
      w.signed_integer(name, number);
    else
      w.integer(name, static_cast<std::uint64_t>(static_cast<U>(value)), sizeof(U));
  } else if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>)
      w.signed_integer(name, value);
    else
      w.integer(name, value, sizeof(T));
  } else if constexpr (std::is_same_v<T, NodeId>) {
    w.node_id(name, value);
  } else if constexpr (std::is_same_v<T, ResourceId>) {
    w.resource_id(name, value);
  } else if constexpr (pd::described_struct<T>) {
    if constexpr (pd::named_type<T>)
      w.open(name, wire_name(static_cast<const T*>(nullptr)));
    else
      w.open(name);
    print_members(w, value);
    w.close();
  } else if constexpr (pd::is_variant<T>::value) {
    std::visit(
        [&](const auto& alt) {
          using A = std::decay_t<decltype(alt)>;
          if constexpr (pd::described_struct<A>)
            print_tree(w, name, alt);  // a structure names its own type
          else
            print_tree(w, pd::labelled(name, pd::type_label<A>()).c_str(), alt);
        },
        value);
  } else if constexpr (pd::is_optional<T>::value) {
    if (value)
      print_tree(w, name, *value);
    else
      w.field(name, "(absent)");
  } else if constexpr (pd::string_like<T>) {
    w.text(name, std::string_view(value));
  } else if constexpr (pd::byte_string<T>) {
    w.bytes(name, Bytes(std::data(value), std::size(value)));
  } else if constexpr (std::ranges::range<const T>) {
    auto n = static_cast<std::size_t>(std::ranges::distance(value));
    if (n == 0) {
      w.field(name, "0 entries");
      return;
    }
    w.open(name, n == 1 ? "1 entry" : std::to_string(n) + " entries");
    std::size_t i = 0;
    for (const auto& element : value) print_tree(w, pd::element_name(i++).c_str(), element);
    w.close();
  } else {
    static_assert(pd::always_false<T>,
                  "print_tree: describe this type with RELOAD_WIRE_DESCRIBE, or give it a "
                  "print_tree overload in its namespace");
  }
}

// The whole tree of `value` as a string.
template <class T>
std::string tree_string(const char* name, const T& value, PrintOptions options = {}) {
  std::string out;
  TreeWriter w(out, options);
  print_tree(w, name, value);
  return out;
}

}  // namespace reload::wire
