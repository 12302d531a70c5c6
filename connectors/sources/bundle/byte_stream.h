// A buffered, forward-only reader of one file from a byte offset: the readers below pull bytes
// through it so that memory stays at one buffer whatever the file's size.
//
// Thread contract: one thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace bridgework::sources {

class ByteStream {
 public:
  static constexpr size_t kBufferSize = 1 << 20;

  ByteStream() = default;
  ByteStream(const ByteStream&) = delete;
  ByteStream& operator=(const ByteStream&) = delete;
  ~ByteStream() {
    if (file_) std::fclose(file_);
  }

  Status Open(const std::string& path, int64_t offset) {
    file_ = std::fopen(path.c_str(), "rb");
    if (!file_) return NotFound("cannot open " + path);
    if (offset > 0 && std::fseek(file_, static_cast<long>(offset), SEEK_SET) != 0) {
      return Internal("cannot seek in " + path);
    }
    buf_.resize(kBufferSize);
    base_ = offset;
    return Status::Ok();
  }

  // The next byte (0..255) or -1 at the end of the file.
  int Peek() {
    if (pos_ == len_ && !Fill()) return -1;
    return static_cast<unsigned char>(buf_[pos_]);
  }
  int Get() {
    if (pos_ == len_ && !Fill()) return -1;
    return static_cast<unsigned char>(buf_[pos_++]);
  }
  // Offset in the file of the next byte.
  int64_t offset() const { return base_ + static_cast<int64_t>(pos_); }
  bool ReadError() const { return file_ && std::ferror(file_); }

  // The bytes from the current position to the end of the buffer (for fast scans), consumed
  // with Skip().
  const char* Window(size_t* n) {
    if (pos_ == len_ && !Fill()) {
      *n = 0;
      return nullptr;
    }
    *n = len_ - pos_;
    return buf_.data() + pos_;
  }
  void Skip(size_t n) { pos_ += n; }

 private:
  bool Fill() {
    if (!file_) return false;
    base_ += static_cast<int64_t>(len_);
    pos_ = 0;
    len_ = std::fread(buf_.data(), 1, buf_.size(), file_);
    return len_ > 0;
  }

  std::FILE* file_ = nullptr;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t len_ = 0;
  int64_t base_ = 0;  // file offset of buf_[0]
};

}  // namespace bridgework::sources
