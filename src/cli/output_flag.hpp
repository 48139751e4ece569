// --output human|json, with the config's `output` (or ONORDER_OUTPUT) when the flag is not given.
#pragma once

#include "config_source.hpp"

#include <string>

#include <CLI/CLI.hpp>

namespace onorder::cli {

class OutputFlag {
  public:
    void add_to(CLI::App& command);

    // The flag, else the config's `output`, else human; false with `error` for a configured
    // value that is not a format (exit 2).
    bool resolve(const ConfigSource& config, std::string& error);

    bool json() const { return value_ == "json"; }

  private:
    std::string value_ = "human";
    CLI::Option* option_ = nullptr;
};

} // namespace onorder::cli
