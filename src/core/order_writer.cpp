#include <onorder/helpers.hpp>
#include <onorder/order_writer.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace onorder {

bool OrderWriter::open(const std::string& path, std::string& error) {
    path_ = path;
    if (path == "-") {
        file_ = stdout;
        return true;
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    // An existing file keeps its mode through O_TRUNC: make it private too.
    if (fd < 0 || !make_private(fd) || !(file_ = ::fdopen(fd, "w"))) {
        error = path + ": cannot write: " + std::strerror(errno);
        if (fd >= 0)
            ::close(fd);
        return false;
    }
    return true;
}

void OrderWriter::write(const std::string& bytes, Framing framing) {
    if (!file_)
        return;
    if (count_ == 0)
        framing_ = framing;
    switch (framing_) {
    case Framing::array:
        std::fputs(count_ == 0 ? "[\n" : ",\n", file_);
        break;
    case Framing::single:
        if (count_ > 0)
            std::fputc('\n', file_);
        break;
    case Framing::ndjson:
        break;
    }
    std::fwrite(bytes.data(), 1, bytes.size(), file_);
    if (framing_ != Framing::array)
        std::fputc('\n', file_);
    ++count_;
}

bool OrderWriter::close(std::string& error) {
    if (!file_)
        return true;
    if (framing_ == Framing::array)
        std::fputs(count_ == 0 ? "[]\n" : "\n]\n", file_);
    bool ok = std::fflush(file_) == 0 && !std::ferror(file_);
    if (file_ != stdout) {
        ok = ::fsync(::fileno(file_)) == 0 && ok;
        ok = std::fclose(file_) == 0 && ok;
    }
    file_ = nullptr;
    if (!ok)
        error = path_ + ": write failed: " + std::strerror(errno);
    return ok;
}

OrderWriter::~OrderWriter() {
    std::string ignored;
    close(ignored);
}

} // namespace onorder
