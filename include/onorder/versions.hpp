// What onorder runs on, for --version and `onorder doctor`: libcurl as loaded at run time (not
// the headers it was built with), its TLS backend and its CA defaults.
#pragma once

#include <string>

namespace onorder {

struct LibraryVersions {
    std::string libcurl;   // "7.88.1"
    std::string tls;       // "OpenSSL/3.0.19"; "" when libcurl has no TLS
    std::string http2;     // "nghttp2/1.52.0"; "" without HTTP/2
    std::string ca_bundle; // libcurl's default CA file; "" when it has none
    std::string ca_path;   // libcurl's default CA directory; "" when it has none
};

LibraryVersions library_versions();

// "onorder 0.1.0\nlibcurl 7.88.1, TLS OpenSSL/3.0.19, HTTP/2 nghttp2/1.52.0"
std::string version_text();

} // namespace onorder
