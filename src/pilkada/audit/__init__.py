"""The tamper-evident change log. Services record changes with ``audit.chain.record``."""
