"""End-to-end workflow for dr-dentes -> odoo (issue 7): generated bundle, the odoo emulator, a real
redis-server, a coordinator and 2 worker processes."""
import unittest

from harness import PairCase


class DrDentesToOdooTest(PairCase, unittest.TestCase):
    SOURCE = "dr-dentes"
    DESTINATION = "odoo"
    PAIR = "dr-dentes-to-odoo"


if __name__ == "__main__":
    unittest.main()
