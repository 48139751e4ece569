// An Endpoints API answer (spec/endpoints.md): the list read and checked, then the order
// endpoint submit --discover would use.
#include <onorder/endpoints.hpp>
#include <onorder/helpers.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const onorder::EndpointList list = onorder::read_endpoint_list(body);
    // Credentials go only where the user sent them: a discovered URL is on the root's origin.
    const auto check = [&](std::string_view root, std::initializer_list<std::string_view> origins) {
        std::string error;
        const std::string url = onorder::discovered_order_url(list, root, error);
        if (url.empty())
            return;
        for (const std::string_view origin : origins)
            if (url.size() > origin.size() &&
                onorder::iequals(std::string_view(url).substr(0, origin.size()), origin) &&
                (url[origin.size()] == '/' || url[origin.size()] == '?'))
                return;
        std::abort();
    };
    check("https://sp.example/onapi", {"https://sp.example", "https://sp.example:443"});
    check("http://127.0.0.1:8080/", {"http://127.0.0.1:8080"});
    return 0;
}
