#include "output_flag.hpp"

#include <fmt/format.h>

namespace onorder::cli {

void OutputFlag::add_to(CLI::App& command) {
    option_ = command
                  .add_option("--output", value_,
                              "Output format: human or json (default: output in the config "
                              "file, or ONORDER_OUTPUT, else human)")
                  ->check(CLI::IsMember({"human", "json"}));
}

bool OutputFlag::resolve(const ConfigSource& config, std::string& error) {
    if (option_ != nullptr && option_->count() > 0)
        return true;
    const auto configured = config.lookup("output");
    if (!configured)
        return true;
    if (configured->value != "human" && configured->value != "json") {
        error = fmt::format("{}: '{}' is not an output format: human or json", configured->origin,
                            configured->value);
        return false;
    }
    value_ = configured->value;
    return true;
}

} // namespace onorder::cli
