#include "common/ids.h"

#include <openssl/evp.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <random>

#include "common/civil_time.h"

namespace bridgework {
namespace {

bool ParseUuid(std::string_view s, std::array<unsigned char, 16>* out) {
  size_t j = 0;
  for (size_t i = 0; i < s.size() && j < 32; ++i) {
    char c = s[i];
    if (c == '-') continue;
    int v = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (v < 0) return false;
    if (j % 2 == 0)
      (*out)[j / 2] = static_cast<unsigned char>(v << 4);
    else
      (*out)[j / 2] |= static_cast<unsigned char>(v);
    ++j;
  }
  return j == 32;
}

// OpenSSL 3 looks an algorithm up by name on every EVP_DigestInit_ex given EVP_sha1() or
// EVP_sha256() (an implicit fetch under a lock): a fifth of the null destination's time in
// engine_bench. So each digest is fetched once, and each thread keeps one context.
enum class Algorithm { kSha1, kSha256 };

const EVP_MD* Fetched(Algorithm a) {
  static const EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  static const EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return a == Algorithm::kSha1 ? sha1 : sha256;
}

void Digest(Algorithm a, std::string_view first, std::string_view second, unsigned int* len_out,
            unsigned char* buf) {
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                           &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), Fetched(a), nullptr);
  EVP_DigestUpdate(ctx.get(), first.data(), first.size());
  EVP_DigestUpdate(ctx.get(), second.data(), second.size());
  EVP_DigestFinal_ex(ctx.get(), buf, len_out);
}

std::string Hex(const unsigned char* data, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 15]);
  }
  return out;
}

}  // namespace

std::string UuidV5(std::string_view ns, std::string_view name) {
  std::array<unsigned char, 16> ns_bytes{};
  ParseUuid(ns, &ns_bytes);
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  Digest(Algorithm::kSha1, std::string_view(reinterpret_cast<const char*>(ns_bytes.data()), 16),
         name, &len, hash);
  hash[6] = static_cast<unsigned char>((hash[6] & 0x0F) | 0x50);
  hash[8] = static_cast<unsigned char>((hash[8] & 0x3F) | 0x80);
  const std::string hex = Hex(hash, 16);
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < hex.size(); ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out.push_back('-');
    out.push_back(hex[i]);
  }
  return out;
}

std::string RecordUuid(std::string_view migration, std::string_view target_key) {
  std::string name(migration);
  name += '/';
  name += target_key;
  return UuidV5(kBridgeworkNamespace, name);
}

std::string SafeExternalName(std::string_view target_key) {
  std::string prefix;
  for (char c : target_key) {
    if (prefix.size() >= 40) break;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      prefix.push_back(c);
    else if (c >= 'A' && c <= 'Z')
      prefix.push_back(static_cast<char>(c - 'A' + 'a'));
    else if (prefix.empty() || prefix.back() != '_')
      prefix.push_back('_');
  }
  return prefix + (prefix.empty() || prefix.back() == '_' ? "" : "_") +
         Sha256Hex(target_key).substr(0, 16);
}

std::string Sha256Hex(std::string_view data) {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  Digest(Algorithm::kSha256, data, {}, &len, hash);
  return Hex(hash, len);
}

std::string NewRunId() {
  std::random_device rd;
  char suffix[8];
  std::snprintf(suffix, sizeof(suffix), "%04x", rd() & 0xFFFF);
  return CompactUtcNow() + "-" + suffix;
}

}  // namespace bridgework
