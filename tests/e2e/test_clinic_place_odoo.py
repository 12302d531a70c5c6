"""End-to-end workflow for clinic-place -> odoo (issue 7): generated bundle, the odoo emulator, a real
redis-server, a coordinator and 2 worker processes."""
import unittest

from harness import PairCase


class ClinicPlaceToOdooTest(PairCase, unittest.TestCase):
    SOURCE = "clinic-place"
    DESTINATION = "odoo"
    PAIR = "clinic-place-to-odoo"


if __name__ == "__main__":
    unittest.main()
