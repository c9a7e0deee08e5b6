// A shared library without main(): what `weir run` must refuse with a clear message.
extern "C" int weir_test_not_a_job() { return 42; }
