"""End-to-end workflow for sensei-cloud -> odoo (issue 7): generated bundle, the odoo emulator, a real
redis-server, a coordinator and 2 worker processes."""
import unittest

from harness import PairCase


class SenseiCloudToOdooTest(PairCase, unittest.TestCase):
    SOURCE = "sensei-cloud"
    DESTINATION = "odoo"
    PAIR = "sensei-cloud-to-odoo"


if __name__ == "__main__":
    unittest.main()
