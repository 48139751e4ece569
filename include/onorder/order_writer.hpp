// validate --fix -o FILE: writes orders back in the framing they were read in.
#pragma once

#include <onorder/reader.hpp>

#include <cstdio>
#include <string>

namespace onorder {

class OrderWriter {
  public:
    // Creates `path` with mode 0600 (it holds identity numbers in full); `error` says why not.
    bool open(const std::string& path, std::string& error);
    // The first order decides the framing of the file.
    void write(const std::string& bytes, Framing framing);
    // Closes the array, flushes and syncs; false with `error` on a write failure.
    bool close(std::string& error);
    ~OrderWriter();

  private:
    std::FILE* file_ = nullptr;
    std::string path_;
    Framing framing_ = Framing::single;
    std::size_t count_ = 0;
};

} // namespace onorder
