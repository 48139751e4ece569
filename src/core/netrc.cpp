#include <onorder/helpers.hpp>
#include <onorder/netrc.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace onorder {

namespace {

// The tokens of one line: separated by blanks, "double quoted" with backslash escapes.
std::vector<std::string> tokens_of(std::string_view line) {
    std::vector<std::string> tokens;
    std::size_t i = 0;
    while (i < line.size()) {
        if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
            ++i;
            continue;
        }
        std::string token;
        if (line[i] == '"') {
            for (++i; i < line.size() && line[i] != '"'; ++i) {
                if (line[i] == '\\' && i + 1 < line.size()) {
                    const char escaped = line[++i];
                    token += escaped == 'n'   ? '\n'
                             : escaped == 'r' ? '\r'
                             : escaped == 't' ? '\t'
                                              : escaped;
                } else {
                    token += line[i];
                }
            }
            ++i; // the closing quote
        } else {
            while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
                token += line[i++];
            }
        }
        tokens.push_back(std::move(token));
    }
    return tokens;
}

struct Entry {
    std::string machine;
    bool is_default = false;
    std::optional<std::string> login;
    std::optional<std::string> password;
};

std::vector<Entry> parse(std::string_view text) {
    std::vector<Entry> entries;
    std::string keyword; // waiting for its value, which may be on the next line
    bool in_macro = false;
    for (std::size_t begin = 0; begin < text.size();) {
        const std::size_t end = std::min(text.find('\n', begin), text.size());
        const std::string_view line = text.substr(begin, end - begin);
        begin = end + 1;
        if (in_macro) {
            in_macro = !trim(line).empty(); // a macro body ends at an empty line
            continue;
        }
        const std::vector<std::string> tokens = tokens_of(line);
        if (!tokens.empty() && tokens.front().starts_with('#')) {
            continue;
        }
        for (const std::string& token : tokens) {
            if (!keyword.empty()) {
                if (keyword == "machine") {
                    entries.push_back({token, false, {}, {}});
                } else if (keyword == "login" && !entries.empty()) {
                    entries.back().login = token;
                } else if (keyword == "password" && !entries.empty()) {
                    entries.back().password = token;
                } else if (keyword == "macdef") {
                    in_macro = true; // the body starts on the next line
                }
                keyword.clear();
            } else if (iequals(token, "default")) {
                entries.push_back({"", true, {}, {}});
            } else {
                keyword = lower(token); // machine, login, password, account, macdef
            }
        }
    }
    return entries;
}

} // namespace

NetrcLookup find_in_netrc(std::string_view text, std::string_view host, std::string_view user) {
    NetrcLookup lookup;
    const std::vector<Entry> entries = parse(text);
    const Entry* found = nullptr;
    // Named machines first, then default, as .netrc(5) puts default last.
    for (const bool want_default : {false, true}) {
        for (const Entry& entry : entries) {
            if (entry.is_default != want_default ||
                (!want_default && !iequals(entry.machine, host))) {
                continue;
            }
            if (!user.empty() && entry.login && *entry.login != user) {
                continue;
            }
            found = &entry;
            break;
        }
        if (found) {
            break;
        }
    }
    if (found == nullptr) {
        lookup.error = user.empty() ? fmt::format("no entry for {}", host)
                                    : fmt::format("no entry for {} at {}", user, host);
        return lookup;
    }
    if (!found->password || found->password->empty()) {
        lookup.error = fmt::format("the entry for {} has no password", host);
        return lookup;
    }
    const std::string login = found->login ? *found->login : std::string(user);
    if (login.empty()) {
        lookup.error = fmt::format("the entry for {} has no login", host);
        return lookup;
    }
    lookup.credentials = NetrcCredentials{login, *found->password};
    return lookup;
}

NetrcLookup read_netrc(const std::string& path, std::string_view host, std::string_view user) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        NetrcLookup lookup;
        lookup.error = std::strerror(errno);
        return lookup;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return find_in_netrc(text.str(), host, user);
}

} // namespace onorder
