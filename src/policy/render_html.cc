#include "policy/render_html.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <kainjow/mustache.hpp>

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "policy/embedded.h"

namespace charter::policy {

namespace {

void ensure_extensions() {
  static const bool registered = [] {
    cmark_gfm_core_extensions_ensure_registered();
    return true;
  }();
  (void)registered;
}

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};

}  // namespace

std::string markdown_to_html(std::string_view markdown) {
  ensure_extensions();
  const int options = CMARK_OPT_DEFAULT;  // safe: raw HTML and dangerous URLs suppressed
  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(options));
  if (!parser) throw std::bad_alloc();
  cmark_syntax_extension* table = cmark_find_syntax_extension("table");
  if (!table) throw std::logic_error("cmark-gfm table extension not found");
  cmark_parser_attach_syntax_extension(parser.get(), table);
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, NodeDeleter> doc(cmark_parser_finish(parser.get()));
  if (!doc) throw std::bad_alloc();
  char* html =
      cmark_render_html(doc.get(), options, cmark_parser_get_syntax_extensions(parser.get()));
  if (!html) throw std::bad_alloc();
  std::string out(html);
  std::free(html);  // cmark's default allocator is malloc/free
  return out;
}

Result<std::string> html_page(std::string_view body, const std::string& lang,
                              const std::string& title) {
  auto text = embedded_template("page.html.mustache");
  if (!text) return make_error(Errc::kInternal, "templates/page.html.mustache is not embedded");
  kainjow::mustache::mustache tmpl{std::string(*text)};
  if (!tmpl.is_valid()) {
    return make_error(Errc::kInternal, "page.html.mustache: " + tmpl.error_message());
  }
  kainjow::mustache::data data;
  data.set("lang", lang);
  data.set("title", title);
  data.set("body", std::string(body));
  return tmpl.render(data);
}

}  // namespace charter::policy
