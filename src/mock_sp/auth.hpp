// HTTP basic authentication (RFC 7617), as spec/general.md requires of every SP.
#pragma once

#include <string>
#include <string_view>

namespace onorder::mock {

enum class AuthResult { ok, missing, invalid };

class BasicAuth {
  public:
    BasicAuth() = default; // accepts every request
    BasicAuth(std::string_view user, std::string_view password);

    // `authorization` is the Authorization header's value, "" when there is none.
    AuthResult check(std::string_view authorization) const;

    bool required() const { return !expected_token_.empty(); }

  private:
    std::string expected_token_; // base64 of "user:password"
};

inline constexpr std::string_view auth_challenge = R"(Basic realm="onorder-mock-sp")";

} // namespace onorder::mock
