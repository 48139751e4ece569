// An Endpoints API answer (spec/endpoints.md): the list read and checked, then the order
// endpoint submit --discover would use.
#include <onorder/endpoints.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const onorder::EndpointList list = onorder::read_endpoint_list(body);
    std::string error;
    (void)onorder::discovered_order_url(list, "https://sp.example/onapi", error);
    (void)onorder::discovered_order_url(list, "http://127.0.0.1:8080/", error);
    return 0;
}
