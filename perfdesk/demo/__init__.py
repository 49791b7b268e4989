"""The demonstration data: sample forms, a review chain, an office round and the tables (示例数据)."""
