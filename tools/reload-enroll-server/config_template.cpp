#include "config_template.hpp"

#include <algorithm>
#include <vector>

#include "config/configuration.hpp"
#include "config/xml_tree.hpp"

namespace reload::enroll {

namespace {

std::string escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

struct Edit {
  std::size_t begin, end;  // replaced range of the template
  std::string text;
};

// The name of a config-base element written with the prefix `like` uses.
std::string qualified(const config::XmlElement& like, std::string_view local) {
  return like.name.prefix.empty() ? std::string(local) : like.name.prefix + ":" + std::string(local);
}

}  // namespace

boost::system::result<std::string, config::ConfigError> set_enrollment_server(std::string_view xml, std::string_view source,
                                                                      std::string_view url) {
  auto root = config::parse_xml(xml, source);
  if (!root) return root.error();
  std::vector<Edit> edits;
  for (const auto& c : root->children) {
    if (!c.name.is(config::ns_config_base, "configuration")) continue;
    bool found = false;
    for (const auto& e : c.children) {
      if (!e.name.is(config::ns_config_base, "enrollment-server")) continue;
      found = true;
      const std::string qn = e.name.qualified();
      edits.push_back({e.begin, e.end, "<" + qn + ">" + escaped(url) + "</" + qn + ">"});
    }
    if (found || c.content_begin == c.end) continue;  // an empty <configuration/> has no place for it
    // None: add one as the configuration's first child, indented like the next one.
    std::string indent;
    if (!c.children.empty()) {
      std::string_view before = xml.substr(c.content_begin, c.children.front().begin - c.content_begin);
      std::size_t nl = before.rfind('\n');
      if (nl != std::string_view::npos && before.substr(nl + 1).find_first_not_of(" \t") == std::string_view::npos)
        indent = std::string(before.substr(nl + 1));
    }
    const std::string qn = qualified(c, "enrollment-server");
    edits.push_back(
        {c.content_begin, c.content_begin, "\n" + indent + "<" + qn + ">" + escaped(url) + "</" + qn + ">"});
  }
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.begin > b.begin; });
  std::string out(xml);
  for (const auto& e : edits) out.replace(e.begin, e.end - e.begin, e.text);
  return out;
}

}  // namespace reload::enroll
