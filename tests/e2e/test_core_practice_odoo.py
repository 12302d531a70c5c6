"""End-to-end workflow for core-practice -> odoo (issue 7): generated bundle, the odoo emulator, a real
redis-server, a coordinator and 2 worker processes."""
import unittest

from harness import PairCase


class CorePracticeToOdooTest(PairCase, unittest.TestCase):
    SOURCE = "core-practice"
    DESTINATION = "odoo"
    PAIR = "core-practice-to-odoo"


if __name__ == "__main__":
    unittest.main()
