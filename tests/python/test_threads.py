"""Long C++ calls release the GIL; threads querying one index agree."""

import threading
import time

import cxjf

REQUESTS = [
    {"principal": {"role": "torch_center"}, "kind": "overview", "filters": {"tech_fields": ["电子信息"], "stages": ["稳定期"]},
     "list": {"page_size": 50}},
    {"principal": {"role": "province", "code": "440000"}, "kind": "ranking", "ranking": {"top": 20}},
    {"principal": {"role": "public"}, "kind": "overview"},
    {"principal": {"role": "city", "code": "440300"}, "kind": "list", "list": {"sort": "name", "page_size": 100}},
    {"principal": {"role": "zone", "code": "中关村科技园区", "can_export": True}, "kind": "export", "format": "json"},
]


def test_two_threads_query_one_snapshot(docs_snapshot):
    index = docs_snapshot.index
    expected = [index.query(r) for r in REQUESTS]
    failures = []
    start = threading.Barrier(2)

    def worker(offset):
        start.wait()
        for i in range(60):
            k = (i + offset) % len(REQUESTS)
            if index.query(REQUESTS[k]) != expected[k]:
                failures.append((offset, k))

    threads = [threading.Thread(target=worker, args=(o,)) for o in (0, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_build_releases_the_gil():
    # While the C++ build runs, a Python thread keeps running; if the GIL
    # were held, none of its ticks could fall inside the call.
    table = cxjf.generate(150_000, seed=1)
    ticks, stop = [], threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    thread = threading.Thread(target=tick)
    thread.start()
    time.sleep(0.02)
    begin = time.perf_counter()
    cxjf.Snapshot.build(table)
    end = time.perf_counter()
    stop.set()
    thread.join()
    assert end - begin > 0.05
    inside = [t for t in ticks if begin + 0.01 < t < end - 0.01]
    assert len(inside) >= 5, (end - begin, len(inside))
