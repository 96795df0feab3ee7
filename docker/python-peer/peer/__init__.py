"""The Python peer of the polyglot gRPC interop harness."""
