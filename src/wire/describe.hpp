// Names for the codec's structures and enums, so that one generic printer (print.hpp) can
// show any decoded value as a tree with every field named. Built on Boost.Describe.
//
//   RELOAD_WIRE_DESCRIBE(StoredData, (storage_time, lifetime, value, signature))
// after a struct (in its namespace) lists its fields in wire order and names the type;
//   BOOST_DESCRIBE_ENUM(DataModel, single_value, array, dictionary)
// names an enum's values.
#pragma once

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>

#define RELOAD_WIRE_DESCRIBE(T, Members)                                 \
  BOOST_DESCRIBE_STRUCT(T, (), Members)                                  \
  [[maybe_unused]] inline constexpr const char* wire_name(const T*) noexcept { \
    return #T;                                                           \
  }
