#include <onorder/versions.hpp>

#include <curl/curl.h>
#include <fmt/format.h>

namespace onorder {

namespace {

std::string text(const char* value) {
    return value ? value : "";
}

} // namespace

LibraryVersions library_versions() {
    const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
    LibraryVersions versions;
    versions.libcurl = text(info->version);
    versions.tls = text(info->ssl_version);
    if (info->features & CURL_VERSION_HTTP2)
        versions.http2 =
            info->nghttp2_version ? fmt::format("nghttp2/{}", info->nghttp2_version) : "yes";
#if CURL_AT_LEAST_VERSION(7, 70, 0)
    if (info->age >= CURLVERSION_SEVENTH) {
        versions.ca_bundle = text(info->cainfo);
        versions.ca_path = text(info->capath);
    }
#endif
    return versions;
}

std::string version_text() {
    const LibraryVersions versions = library_versions();
    std::string text = fmt::format("onorder {}\nlibcurl {}, TLS {}", ONORDER_VERSION,
                                   versions.libcurl, versions.tls.empty() ? "none" : versions.tls);
    if (!versions.http2.empty())
        text += ", HTTP/2 " + versions.http2;
    return text;
}

} // namespace onorder
