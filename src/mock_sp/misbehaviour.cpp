#include "misbehaviour.hpp"

#include <algorithm>
#include <thread>

#include <nlohmann/json.hpp>

namespace onorder::mock {
namespace {

using nlohmann::json;

constexpr MisbehaviourInfo misbehaviours[] = {
    {Misbehaviour::ok_to_anything, "ok-to-anything",
     "200 ACTIVATED to any request: any path, any body, no credentials needed"},
    {Misbehaviour::no_auth, "no-auth", "no credentials needed: missing or wrong ones are accepted"},
    {Misbehaviour::no_cause, "no-cause", "400 answers without their \"cause\""},
    {Misbehaviour::html_errors, "html-errors", "every error answer is a 500 HTML page"},
    {Misbehaviour::no_endpoints, "no-endpoints", "404 on GET /2.5/ (no Endpoints API)"},
    {Misbehaviour::bad_endpoints, "bad-endpoints",
     "GET /2.5/ answers a list without mandatory fields and no order endpoint"},
    {Misbehaviour::bad_status, "bad-status",
     "accepted orders get status DONE, which spec/order.md does not know"},
    {Misbehaviour::slow, "slow", "every answer waits --delay-ms first"},
};

constexpr std::string_view control_prefix = "/_mock/"; // the test controls always work

bool is_endpoints_path(const std::string& path) {
    return path == "/2.5/" || path == "/2.5";
}

// After routing httplib has already counted the body: the length goes with the new one.
void replace_body(httplib::Response& response, const std::string& body, const char* content_type) {
    response.set_content(body, content_type);
    response.headers.erase("Content-Length");
    response.set_header("Content-Length", std::to_string(body.size()));
}

} // namespace

std::span<const MisbehaviourInfo> all_misbehaviours() {
    return misbehaviours;
}

std::vector<std::string> misbehaviour_names() {
    std::vector<std::string> names;
    for (const auto& info : misbehaviours)
        names.emplace_back(info.name);
    return names;
}

void Misbehaviours::add(std::string_view name) {
    for (const auto& info : misbehaviours)
        if (info.name == name && !has(info.which))
            chosen_.push_back(info.which);
}

bool Misbehaviours::has(Misbehaviour which) const {
    return std::find(chosen_.begin(), chosen_.end(), which) != chosen_.end();
}

bool Misbehaviours::before(const httplib::Request& request, httplib::Response& response,
                           std::chrono::milliseconds delay) const {
    if (chosen_.empty() || request.path.starts_with(control_prefix))
        return false;
    if (has(Misbehaviour::slow))
        std::this_thread::sleep_for(delay);
    if (has(Misbehaviour::ok_to_anything)) {
        response.status = 200;
        response.set_content(json{{"status", "ACTIVATED"}, {"message", "Anything goes."}}.dump(),
                             "application/json");
        return true;
    }
    if (request.method == "GET" && is_endpoints_path(request.path)) {
        if (has(Misbehaviour::no_endpoints)) {
            response.status = 404;
            response.set_content(json{{"cause", "No such endpoint: /2.5/"}}.dump(),
                                 "application/json");
            return true;
        }
        if (has(Misbehaviour::bad_endpoints)) {
            response.status = 200;
            response.set_content(
                json::array(
                    {{{"name", "orders"}, {"endpoint", "/2.5/sp_spec/order/"}, {"version", 2.5}}})
                    .dump(),
                "application/json");
            return true;
        }
    }
    return false;
}

void Misbehaviours::after(const httplib::Request& request, httplib::Response& response) const {
    if (chosen_.empty() || request.path.starts_with(control_prefix))
        return;
    if (has(Misbehaviour::ok_to_anything)) {
        response.status = 200;
        response.headers.erase("WWW-Authenticate");
        replace_body(response, json{{"status", "ACTIVATED"}, {"message", "Anything goes."}}.dump(),
                     "application/json");
        return;
    }
    if (has(Misbehaviour::no_cause) && response.status == 400) {
        json body = json::parse(response.body, nullptr, false);
        if (body.is_object()) {
            body.erase("cause");
            replace_body(response, body.dump(), "application/json");
        }
    }
    if (has(Misbehaviour::html_errors) && response.status >= 400) {
        response.status = 500;
        response.headers.erase("WWW-Authenticate");
        replace_body(response, "<html><body><h1>500 Internal Server Error</h1></body></html>",
                     "text/html");
    }
    if (has(Misbehaviour::bad_status) && response.status == 200) {
        json body = json::parse(response.body, nullptr, false);
        if (body.is_object() && body.contains("status")) {
            body["status"] = "DONE";
            replace_body(response, body.dump(), "application/json");
        }
    }
}

} // namespace onorder::mock
