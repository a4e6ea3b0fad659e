"""caaad — conformance kit for T/CAAAD 001—2023 网络直播营销售后服务规范."""

__version__ = "0.1.0"
