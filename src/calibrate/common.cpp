// Private helpers shared by the calibration files (calibrate/common.hpp).
#include "calibrate/common.hpp"

#include <cmath>
#include <cstdio>

namespace leadscore::calibration {

Diagnostic calibration_error(std::string message, std::string pointer) {
  Diagnostic d;
  d.code = "calibration_error";
  d.pointer = std::move(pointer);
  d.message = std::move(message);
  return d;
}

std::vector<Diagnostic> errors_of(const std::vector<Diagnostic>& diagnostics) {
  std::vector<Diagnostic> errors;
  for (const auto& d : diagnostics) {
    if (d.is_error()) errors.push_back(d);
  }
  return errors;
}

std::string fmt(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string fmt_fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::unique_ptr<bool[]> bool_array(const std::vector<bool>& v) {
  std::unique_ptr<bool[]> out(new bool[v.size()]);
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = v[i];
  return out;
}

}  // namespace leadscore::calibration
