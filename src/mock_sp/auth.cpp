#include "auth.hpp"
#include <onorder/helpers.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace onorder::mock {
namespace {

// Compares in time independent of where the strings differ, as a real SP should.
bool same_secret(std::string_view a, std::string_view b) {
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
    return difference == 0;
}

} // namespace

BasicAuth::BasicAuth(std::string_view user, std::string_view password)
    : expected_token_(base64(std::string(user) + ":" + std::string(password))) {}

AuthResult BasicAuth::check(std::string_view authorization) const {
    if (!required())
        return AuthResult::ok;
    if (authorization.empty())
        return AuthResult::missing;
    const std::size_t space = authorization.find(' ');
    if (space == std::string_view::npos || !iequals(authorization.substr(0, space), "Basic"))
        return AuthResult::invalid;
    std::string_view token = authorization.substr(space + 1);
    while (!token.empty() && token.front() == ' ')
        token.remove_prefix(1);
    return same_secret(token, expected_token_) ? AuthResult::ok : AuthResult::invalid;
}

} // namespace onorder::mock
