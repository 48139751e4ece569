// Credentials from a netrc file, in curl's format. Read before anything is sent, so that a host
// without an entry is a usage error and never a request with an empty password: libcurl sends
// "user:" when a user is set and the netrc has no password for it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace onorder {

struct NetrcCredentials {
    std::string login;
    std::string password;
};

struct NetrcLookup {
    std::optional<NetrcCredentials> credentials;
    std::string error; // why there are none, e.g. "no entry for 127.0.0.1"
};

// The entry for `host` (case-insensitive; a `default` entry matches any host), and when `user`
// is not empty, the one whose login is `user`. Tokens as curl reads them: separated by blanks or
// newlines, "double quoted" with \" \\ \n \r \t escapes; a line whose first token starts with #
// is a comment; `macdef` bodies run to the next empty line.
NetrcLookup find_in_netrc(std::string_view text, std::string_view host, std::string_view user);

// find_in_netrc() over the file at `path`; an unreadable file is an error naming the reason.
NetrcLookup read_netrc(const std::string& path, std::string_view host, std::string_view user);

} // namespace onorder
