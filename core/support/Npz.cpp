// NumPy .npy/.npz reading and writing. An .npz is a zip archive of .npy files;
// numpy.savez stores them uncompressed (method 0), which is what is read here.
// Central-directory parsing (with zip64 extras) finds each member.
#include "dlc/support/Npz.h"

#include <array>
#include <cstring>
#include <fstream>
#include <sstream>

#include "dlc/support/Error.h"

namespace dlc {
namespace {

struct NpyDescr {
  DType dtype;
  const char* descr;
};
constexpr NpyDescr kDescrs[] = {
    {DType::Float32, "<f4"}, {DType::Float64, "<f8"}, {DType::Float16, "<f2"},
    {DType::Int8, "|i1"},    {DType::Int16, "<i2"},   {DType::Int32, "<i4"},
    {DType::Int64, "<i8"},   {DType::UInt8, "|u1"},   {DType::UInt16, "<u2"},
    {DType::UInt32, "<u4"},  {DType::UInt64, "<u8"},  {DType::Bool, "|b1"},
};

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  DLC_CHECK(in, path, ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

uint32_t rd32(const std::string& b, size_t off) {
  DLC_CHECK(off + 4 <= b.size(), "truncated zip structure");
  uint32_t v;
  std::memcpy(&v, b.data() + off, 4);
  return v;
}
uint16_t rd16(const std::string& b, size_t off) {
  DLC_CHECK(off + 2 <= b.size(), "truncated zip structure");
  uint16_t v;
  std::memcpy(&v, b.data() + off, 2);
  return v;
}
uint64_t rd64(const std::string& b, size_t off) {
  DLC_CHECK(off + 8 <= b.size(), "truncated zip structure");
  uint64_t v;
  std::memcpy(&v, b.data() + off, 8);
  return v;
}

uint32_t crc32(const std::string& data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char ch : data) c = table[(c ^ ch) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void put16(std::string& s, uint16_t v) { s.append(reinterpret_cast<const char*>(&v), 2); }
void put32(std::string& s, uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }

// Finds `'key': value` in the npy header dict and returns the raw value text.
std::string headerField(const std::string& header, const std::string& key, const std::string& what) {
  size_t p = header.find("'" + key + "'");
  DLC_CHECK(p != std::string::npos, what, ": npy header has no '", key, "'");
  p = header.find(':', p);
  DLC_CHECK(p != std::string::npos, what, ": malformed npy header");
  ++p;
  while (p < header.size() && header[p] == ' ') ++p;
  size_t end = p;
  if (p < header.size() && header[p] == '(') {
    end = header.find(')', p);
    DLC_CHECK(end != std::string::npos, what, ": malformed npy shape");
    return header.substr(p, end - p + 1);
  }
  if (p < header.size() && header[p] == '\'') {
    end = header.find('\'', p + 1);
    DLC_CHECK(end != std::string::npos, what, ": malformed npy header");
    return header.substr(p + 1, end - p - 1);
  }
  while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
  return header.substr(p, end - p);
}

}  // namespace

Tensor readNpy(const std::string& bytes, const std::string& what) {
  DLC_CHECK(bytes.size() >= 10 && bytes.compare(0, 6, "\x93NUMPY") == 0, what, ": not a .npy array");
  uint8_t major = static_cast<uint8_t>(bytes[6]);
  size_t headerLen, start;
  if (major == 1) {
    headerLen = rd16(bytes, 8);
    start = 10;
  } else {
    headerLen = rd32(bytes, 8);
    start = 12;
  }
  DLC_CHECK(start + headerLen <= bytes.size(), what, ": truncated .npy header");
  std::string header = bytes.substr(start, headerLen);
  std::string descr = headerField(header, "descr", what);
  std::string fortran = headerField(header, "fortran_order", what);
  std::string shapeText = headerField(header, "shape", what);
  DLC_CHECK(fortran.find("False") != std::string::npos, what, ": Fortran-order arrays are not supported");
  DType dtype = DType::Undefined;
  for (const auto& d : kDescrs) {
    std::string alt = d.descr;
    if (descr == d.descr || (alt[0] == '|' && descr == "<" + alt.substr(1)) ||
        (alt[0] == '<' && descr == "|" + alt.substr(1)))
      dtype = d.dtype;
  }
  if (dtype == DType::Undefined) unsupported(what, ": unsupported .npy dtype '", descr, "'");
  std::vector<int64_t> extents;
  std::string inner = shapeText.substr(1, shapeText.size() - 2);
  std::stringstream ss(inner);
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t b = item.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    try {
      extents.push_back(std::stoll(item.substr(b)));
    } catch (const std::exception&) {
      fail(what, ": malformed .npy shape '", shapeText, "'");
    }
  }
  Tensor t(dtype, extents);
  size_t dataStart = start + headerLen;
  DLC_CHECK(bytes.size() - dataStart >= t.byteSize(), what, ": .npy data is truncated (expected ",
            t.byteSize(), " bytes, found ", bytes.size() - dataStart, ")");
  if (t.byteSize()) std::memcpy(t.rawData(), bytes.data() + dataStart, t.byteSize());
  return t;
}

std::string writeNpy(const Tensor& t) {
  const char* descr = nullptr;
  for (const auto& d : kDescrs)
    if (d.dtype == t.dtype()) descr = d.descr;
  if (!descr) unsupported("dtype ", dtypeName(t.dtype()), " cannot be written to .npy");
  std::string shape = "(";
  for (size_t i = 0; i < t.extents().size(); ++i) {
    shape += std::to_string(t.extents()[i]);
    if (t.extents().size() == 1 || i + 1 < t.extents().size()) shape += ",";
    if (i + 1 < t.extents().size()) shape += " ";
  }
  shape += ")";
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  put16(out, static_cast<uint16_t>(header.size()));
  out += header;
  out.append(static_cast<const char*>(t.rawData()), t.byteSize());
  return out;
}

std::vector<std::pair<std::string, Tensor>> readNpz(const std::string& path) {
  std::string b = readFile(path);
  DLC_CHECK(b.size() >= 22, path, ": not a .npz file (too small)");
  // Find the end-of-central-directory record.
  size_t eocd = std::string::npos;
  for (size_t i = b.size() - 22 + 1; i-- > 0 && b.size() - i <= 22 + 65535;) {
    if (rd32(b, i) == 0x06054b50u) {
      eocd = i;
      break;
    }
  }
  DLC_CHECK(eocd != std::string::npos, path, ": not a .npz file (no zip directory)");
  uint64_t count = rd16(b, eocd + 10);
  uint64_t cdOff = rd32(b, eocd + 16);
  if (cdOff == 0xFFFFFFFFu || count == 0xFFFF) {  // zip64 end record
    DLC_CHECK(eocd >= 20 && rd32(b, eocd - 20) == 0x07064b50u, path, ": bad zip64 locator");
    uint64_t z64 = rd64(b, eocd - 20 + 8);
    DLC_CHECK(rd32(b, z64) == 0x06064b50u, path, ": bad zip64 record");
    count = rd64(b, z64 + 32);
    cdOff = rd64(b, z64 + 48);
  }
  std::vector<std::pair<std::string, Tensor>> out;
  size_t p = cdOff;
  for (uint64_t e = 0; e < count; ++e) {
    DLC_CHECK(rd32(b, p) == 0x02014b50u, path, ": corrupt zip directory");
    uint16_t method = rd16(b, p + 10);
    uint64_t csize = rd32(b, p + 20), usize = rd32(b, p + 24);
    uint16_t nameLen = rd16(b, p + 28), extraLen = rd16(b, p + 30), commentLen = rd16(b, p + 32);
    uint64_t localOff = rd32(b, p + 42);
    DLC_CHECK(p + 46 + nameLen + extraLen <= b.size(), path, ": corrupt zip directory");
    std::string name = b.substr(p + 46, nameLen);
    // zip64 extra: fields present only for the values that are 0xFFFFFFFF.
    size_t x = p + 46 + nameLen, xend = x + extraLen;
    while (x + 4 <= xend) {
      uint16_t id = rd16(b, x), len = rd16(b, x + 2);
      if (id == 0x0001) {
        size_t q = x + 4;
        if (usize == 0xFFFFFFFFu) usize = rd64(b, q), q += 8;
        if (csize == 0xFFFFFFFFu) csize = rd64(b, q), q += 8;
        if (localOff == 0xFFFFFFFFu) localOff = rd64(b, q), q += 8;
      }
      x += 4 + len;
    }
    p += 46 + nameLen + extraLen + commentLen;
    if (method != 0)
      unsupported(path, ": member '", name, "' is compressed; save inputs with numpy.savez, not savez_compressed");
    DLC_CHECK(rd32(b, localOff) == 0x04034b50u, path, ": corrupt zip member '", name, "'");
    size_t dataOff = localOff + 30 + rd16(b, localOff + 26) + rd16(b, localOff + 28);
    DLC_CHECK(dataOff + usize <= b.size() && csize == usize, path, ": truncated zip member '", name, "'");
    std::string key = name;
    if (key.size() > 4 && key.compare(key.size() - 4, 4, ".npy") == 0) key.resize(key.size() - 4);
    out.emplace_back(key, readNpy(b.substr(dataOff, usize), path + ":" + name));
  }
  return out;
}

void writeNpz(const std::string& path, const std::vector<std::pair<std::string, Tensor>>& arrays) {
  std::string zip, central;
  uint16_t n = 0;
  for (const auto& [name, t] : arrays) {
    std::string data = writeNpy(t);
    std::string fname = name + ".npy";
    DLC_CHECK(data.size() < 0xFFFFFFFFu && zip.size() < 0xFFFFFFFFu, path, ": array '", name, "' too large for .npz");
    uint32_t crc = crc32(data), offset = static_cast<uint32_t>(zip.size());
    put32(zip, 0x04034b50u);
    put16(zip, 20), put16(zip, 0), put16(zip, 0), put16(zip, 0), put16(zip, 0x21);
    put32(zip, crc), put32(zip, static_cast<uint32_t>(data.size())), put32(zip, static_cast<uint32_t>(data.size()));
    put16(zip, static_cast<uint16_t>(fname.size())), put16(zip, 0);
    zip += fname;
    zip += data;
    put32(central, 0x02014b50u);
    put16(central, 20), put16(central, 20), put16(central, 0), put16(central, 0), put16(central, 0),
        put16(central, 0x21);
    put32(central, crc), put32(central, static_cast<uint32_t>(data.size())),
        put32(central, static_cast<uint32_t>(data.size()));
    put16(central, static_cast<uint16_t>(fname.size())), put16(central, 0), put16(central, 0);
    put16(central, 0), put16(central, 0), put32(central, 0), put32(central, offset);
    central += fname;
    ++n;
  }
  uint32_t cdOff = static_cast<uint32_t>(zip.size());
  zip += central;
  put32(zip, 0x06054b50u);
  put16(zip, 0), put16(zip, 0), put16(zip, n), put16(zip, n);
  put32(zip, static_cast<uint32_t>(central.size())), put32(zip, cdOff), put16(zip, 0);
  std::ofstream f(path, std::ios::binary);
  DLC_CHECK(f, path, ": cannot write file");
  f.write(zip.data(), static_cast<std::streamsize>(zip.size()));
  DLC_CHECK(f.good(), path, ": write failed");
}

}  // namespace dlc
