// skiff-conformance: runs the conformance suites against shared-library plugins.
#include <skiff/conformance/runner.h>

int main(int argc, char** argv) { return skiff::conformance::RunConformance(argc, argv); }
