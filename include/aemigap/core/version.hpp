#pragma once
namespace aemigap {
const char* version();     // project version, e.g. "0.1.0"
const char* git_commit();  // short commit the binary was built from ("-dirty" if modified)
}  // namespace aemigap
