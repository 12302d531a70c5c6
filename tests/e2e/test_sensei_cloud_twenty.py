"""End-to-end workflow for sensei-cloud -> twenty (issue 7): generated bundle, the twenty emulator, a real
redis-server, a coordinator and 2 worker processes."""
import unittest

from harness import PairCase


class SenseiCloudToTwentyTest(PairCase, unittest.TestCase):
    SOURCE = "sensei-cloud"
    DESTINATION = "twenty"
    PAIR = "sensei-cloud-to-twenty"
    # Twenty's rollback deletes record by record (one REST call each), about 1,500 records for
    # 200 patients and a minute per rollback; 60 patients keep every case of the bundle.
    PATIENTS = 60


if __name__ == "__main__":
    unittest.main()
