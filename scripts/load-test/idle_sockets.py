"""Holds N idle chat WebSockets open against a running `supportkit serve` and reports server memory per socket.

Usage: idle_sockets.py --port P --key-file F --pid SERVER_PID [--connections 1000] [--hold 10]
Prints one JSON object on stdout. Loopback only; stops by itself.
"""
import argparse
import asyncio
import json
import time

import websockets


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


async def open_socket(url: str, headers: dict, index: int):
    ws = await websockets.connect(url + f"&customer_id=idle-{index}", additional_headers=headers,
                                  open_timeout=30, ping_interval=None, max_queue=4)
    ready = json.loads(await asyncio.wait_for(ws.recv(), 30))
    if ready.get("type") != "ready":
        raise RuntimeError(f"unexpected first event {ready}")
    return ws


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key-file", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--hold", type=float, default=10)
    args = parser.parse_args()
    key = next(line.strip() for line in open(args.key_file) if line.strip() and not line.startswith("#"))
    url = f"ws://127.0.0.1:{args.port}/v1/chat/ws?x=1"
    headers = {"Authorization": f"Bearer {key}"}

    before = rss_kib(args.pid)
    started = time.monotonic()
    sockets = []
    failures = 0
    # Open in batches of 100 so the listen backlog is never the limit being measured.
    for batch_start in range(0, args.connections, 100):
        batch = range(batch_start, min(batch_start + 100, args.connections))
        results = await asyncio.gather(*(open_socket(url, headers, i) for i in batch), return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                failures += 1
            else:
                sockets.append(result)
    open_seconds = time.monotonic() - started
    await asyncio.sleep(2)
    during = rss_kib(args.pid)
    await asyncio.sleep(max(0.0, args.hold - 2))
    held = rss_kib(args.pid)

    # The idle sockets still work: one turn on a sample of them.
    sample = sockets[:: max(1, len(sockets) // 20)]
    replies = 0
    for ws in sample:
        await ws.send(json.dumps({"message": "still there?"}))
        event = json.loads(await asyncio.wait_for(ws.recv(), 30))
        replies += event.get("type") == "reply"
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    await asyncio.sleep(2)
    after = rss_kib(args.pid)
    open_count = len(sockets)
    print(json.dumps({
        "connections_requested": args.connections,
        "connections_open": open_count,
        "connect_failures": failures,
        "seconds_to_open": round(open_seconds, 2),
        "server_rss_kib_before": before,
        "server_rss_kib_with_sockets": held,
        "server_rss_kib_after_close": after,
        "rss_delta_kib": held - before,
        "kib_per_connection": round((held - before) / open_count, 2) if open_count else None,
        "sample_turns": len(sample),
        "sample_replies": replies,
    }))


asyncio.run(main())
