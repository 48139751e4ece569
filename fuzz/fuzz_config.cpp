// A config file's bytes (TOML, kept flat), and a netrc file's, as onorder reads them.
#include <onorder/config_file.hpp>
#include <onorder/netrc.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

// The first byte chooses the reader: even a config file, odd a netrc file.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    if ((data[0] & 1) == 0) {
        const onorder::ConfigResult result = onorder::parse_config_file(text, "fuzz.toml");
        if (result.config) {
            for (const auto& [key, value] : result.config->values)
                (void)result.config->where(key);
        }
        return 0;
    }
    (void)onorder::find_in_netrc(text, "sp.example", "");
    (void)onorder::find_in_netrc(text, "SP.example", "acme");
    return 0;
}
