#include "auth.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace onorder::mock {
namespace {

std::string base64(std::string_view bytes) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t chunk = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t group = 0;
        for (std::size_t j = 0; j < 3; ++j)
            group = (group << 8) | (j < chunk ? static_cast<unsigned char>(bytes[i + j]) : 0U);
        for (std::size_t j = 0; j < 4; ++j)
            out += j <= chunk ? alphabet[(group >> (18 - 6 * j)) & 0x3F] : '=';
    }
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

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
