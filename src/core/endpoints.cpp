#include <onorder/endpoints.hpp>

#include <onorder/formats.hpp>
#include <onorder/url.hpp>

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace onorder {

namespace {

using nlohmann::json;

enum class Presence { mandatory, optional };

struct TextField {
    const char* name;
    std::string Endpoint::*member;
    Presence presence;
};

// spec/endpoints.md, "Fields".
constexpr TextField text_fields[] = {
    {"name", &Endpoint::name, Presence::mandatory},
    {"endpoint", &Endpoint::endpoint, Presence::mandatory},
    {"version", &Endpoint::version, Presence::mandatory},
    {"documentation", &Endpoint::documentation, Presence::mandatory},
    {"note", &Endpoint::note, Presence::optional},
};

std::string kind(const json& value) {
    switch (value.type()) {
    case json::value_t::array:
        return "an array";
    case json::value_t::object:
        return "an object";
    case json::value_t::string:
        return "a string";
    case json::value_t::boolean:
        return "a boolean";
    case json::value_t::null:
        return "null";
    default:
        return "a number";
    }
}

void read_entry(const json& entry, std::size_t index, EndpointList& list) {
    const std::string at = fmt::format("[{}]", index);
    if (!entry.is_object()) {
        list.problems.push_back(fmt::format("{}: is {}, not an object", at, kind(entry)));
        return;
    }
    Endpoint endpoint;
    for (const TextField& field : text_fields) {
        const auto found = entry.find(field.name);
        if (found == entry.end() || found->is_null()) {
            if (field.presence == Presence::mandatory)
                list.problems.push_back(fmt::format("{}.{}: missing (mandatory)", at, field.name));
            continue;
        }
        if (!found->is_string()) {
            list.problems.push_back(
                fmt::format("{}.{}: is {}, not text", at, field.name, kind(*found)));
            continue;
        }
        const std::string& text = found->get_ref<const std::string&>();
        if (!formats::is_text(text))
            list.problems.push_back(
                fmt::format("{}.{}: {}", at, field.name, formats::why_not_text(text)));
        endpoint.*field.member = text;
    }
    if (!endpoint.documentation.empty()) {
        const UrlCredentials url = split_url_credentials(endpoint.documentation);
        if (!url.error.empty() || (url.scheme != "https" && url.scheme != "http"))
            list.problems.push_back(fmt::format("{}.documentation: is not a URL", at));
    }
    if (const auto fields = entry.find("unsupportedFields");
        fields != entry.end() && !fields->is_null()) {
        if (!fields->is_array()) {
            list.problems.push_back(fmt::format("{}.unsupportedFields: is {}, not an array of text",
                                                at, kind(*fields)));
        } else {
            for (std::size_t i = 0; i < fields->size(); ++i) {
                const json& item = (*fields)[i];
                if (item.is_string())
                    endpoint.unsupported_fields.push_back(item.get<std::string>());
                else
                    list.problems.push_back(fmt::format("{}.unsupportedFields[{}]: is {}, not text",
                                                        at, i, kind(item)));
            }
        }
    }
    list.endpoints.push_back(std::move(endpoint));
}

} // namespace

std::string discovered_order_url(const EndpointList& list, std::string_view api_root,
                                 std::string& error) {
    const auto is_order = [](const Endpoint& e) { return e.name == "order"; };
    auto chosen =
        std::find_if(list.endpoints.begin(), list.endpoints.end(),
                     [&](const Endpoint& e) { return is_order(e) && e.version == "2.5"; });
    if (chosen == list.endpoints.end())
        chosen = std::find_if(list.endpoints.begin(), list.endpoints.end(), is_order);
    if (chosen == list.endpoints.end() || chosen->endpoint.empty()) {
        error = "the Endpoints API lists no order endpoint";
        return {};
    }
    std::string url = resolve_url(api_root, chosen->endpoint);
    if (url.empty()) {
        error = fmt::format("the order endpoint \"{}\" is not a path or URL", chosen->endpoint);
        return {};
    }
    if (!same_origin(std::string(api_root), url)) {
        error = fmt::format("the order endpoint {} is on another host, scheme or port than --url: "
                            "the credentials are not sent there (give it with --url to use it)",
                            url);
        return {};
    }
    return url;
}

std::string endpoints_url(std::string_view api_root) {
    return order_url(api_root, "2.5/");
}

EndpointList read_endpoint_list(std::string_view body) {
    EndpointList list;
    const json answer = json::parse(body, nullptr, false);
    if (answer.is_discarded()) {
        list.problems.push_back("the answer is not JSON");
        return list;
    }
    if (!answer.is_array()) {
        list.problems.push_back(
            fmt::format("the answer is {}, not an array of endpoints", kind(answer)));
        return list;
    }
    for (std::size_t i = 0; i < answer.size(); ++i)
        read_entry(answer[i], i, list);
    const bool lists_order = std::any_of(list.endpoints.begin(), list.endpoints.end(),
                                         [](const Endpoint& e) { return e.name == "order"; });
    if (!lists_order)
        list.problems.push_back("no endpoint is named \"order\"");
    return list;
}

} // namespace onorder
