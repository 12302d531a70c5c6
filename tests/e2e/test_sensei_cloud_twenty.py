"""End-to-end workflow for sensei-cloud -> twenty (issue 7): generated bundle, the twenty emulator, a real
redis-server, a coordinator and 2 worker processes."""
import unittest

from harness import PairCase


class SenseiCloudToTwentyTest(PairCase, unittest.TestCase):
    SOURCE = "sensei-cloud"
    DESTINATION = "twenty"
    PAIR = "sensei-cloud-to-twenty"


if __name__ == "__main__":
    unittest.main()
