// Ways the mock SP can break the spec on purpose (--misbehave NAME), so that every probe of
// `onorder check` can be seen to fail when it should.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <httplib.h>

namespace onorder::mock {

enum class Misbehaviour {
    ok_to_anything, // 200 with an ACTIVATED order answer to any request: any path, body, no auth
    no_auth,        // accepts requests without or with wrong credentials
    no_cause,       // 400 answers without their "cause"
    html_errors,    // every error answer becomes a 500 HTML page
    no_endpoints,   // 404 on GET /2.5/
    bad_endpoints,  // a malformed Endpoints API list
    bad_status,     // accepted orders get a status that is not in spec/order.md
    slow,           // every answer waits --delay-ms first
};

struct MisbehaviourInfo {
    Misbehaviour which;
    std::string_view name;
    std::string_view summary; // one line for --list-misbehaviours
};

std::span<const MisbehaviourInfo> all_misbehaviours();
std::vector<std::string> misbehaviour_names();

class Misbehaviours {
  public:
    void add(std::string_view name); // one of misbehaviour_names()
    bool has(Misbehaviour which) const;
    bool any() const { return !chosen_.empty(); }

    // Before routing: answers the request itself (true) or lets the routes answer it.
    bool before(const httplib::Request& request, httplib::Response& response,
                std::chrono::milliseconds delay) const;
    // After the routes answered: spoils the answer as chosen.
    void after(const httplib::Request& request, httplib::Response& response) const;

  private:
    std::vector<Misbehaviour> chosen_;
};

} // namespace onorder::mock
