"""End-to-end workflow for sensei-cloud -> twenty (issue 7): generated bundle, the twenty emulator, a real
redis-server, a coordinator and 2 worker processes."""
import unittest

from harness import PairCase


class SenseiCloudToTwentyTest(PairCase, unittest.TestCase):
    SOURCE = "sensei-cloud"
    DESTINATION = "twenty"
    PAIR = "sensei-cloud-to-twenty"
    # Rollback deletes in batches of up to 100 ids per REST call (docs/destination-twenty.md):
    # 200 patients roll back in about 3 s, so the pair runs the full bundle like the others.
    PATIENTS = 200


if __name__ == "__main__":
    unittest.main()
