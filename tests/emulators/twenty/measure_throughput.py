#!/usr/bin/env python3
"""How fast the Twenty emulator itself serves batch creates, paging and lookups, so that a
rate-limit test can pick a limit the emulator can keep up with.

  python3 tests/emulators/twenty/measure_throughput.py [--people 20000] [--batch 60] [--threads 4]
"""

import argparse
import threading
import time
import uuid

from emulator_harness import Emulator


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--people", type=int, default=20000)
    p.add_argument("--batch", type=int, default=60)
    p.add_argument("--threads", type=int, default=4)
    args = p.parse_args()
    emu = Emulator("--empty-workspace", "--batch-max", str(args.batch))
    try:
        records = [{"id": str(uuid.uuid5(uuid.NAMESPACE_DNS, f"measure-{i}")),
                    "name": {"firstName": f"F{i}", "lastName": "L"},
                    "emails": {"primaryEmail": f"m{i}@example.org"},
                    "phones": {"primaryPhoneNumber": "5550100"}} for i in range(args.people)]
        batches = [records[i:i + args.batch] for i in range(0, len(records), args.batch)]

        def worker(k):
            for b in batches[k::args.threads]:
                status, out = emu.call("POST", "/rest/batch/people", b)
                assert status == 201, out

        start = time.monotonic()
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(args.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.monotonic() - start
        print(f"create: {len(batches)} calls of {args.batch} from {args.threads} threads in "
              f"{took:.2f} s = {len(batches) / took:.0f} calls/s, {args.people / took:.0f} "
              "records/s")

        start, after, pages, seen = time.monotonic(), None, 0, 0
        while True:
            path = "/rest/people?limit=200" + (f"&starting_after={after}" if after else "")
            status, out = emu.call("GET", path)
            pages, seen = pages + 1, seen + len(out["data"]["people"])
            if not out["pageInfo"]["hasNextPage"]:
                break
            after = out["pageInfo"]["endCursor"]
        took = time.monotonic() - start
        print(f"read back: {seen} records in {pages} pages of 200 in {took:.2f} s")

        start = time.monotonic()
        for i in range(200):
            status, out = emu.call("GET", '/rest/people?filter=emails.primaryEmail[eq]:'
                                   f'"m{i}@example.org"')
            assert out["totalCount"] == 1
        took = time.monotonic() - start
        print(f"lookup by e-mail: 200 in {took:.2f} s = {200 / took:.0f}/s")
    finally:
        emu.stop()


if __name__ == "__main__":
    main()
