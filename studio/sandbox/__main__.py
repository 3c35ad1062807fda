"""Run the sandbox on its own: `python -m studio.sandbox --port 8765 --latency 0.5 ...`."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from studio.sandbox.config import INLINE_BATCH_LIMIT_BYTES, Fault, SandboxConfig
from studio.sandbox.server import SandboxServer


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(asctime)s %(message)s")
    config = SandboxConfig(
        latency_s=args.latency,
        latency_jitter_s=args.jitter,
        rate_limit=args.rate_limit,
        rate_window_s=args.rate_window,
        daily_quota=args.daily_quota,
        fault_rates=dict(args.fault),
        pixel_scale=args.pixel_scale,
        seed=args.seed,
        valid_keys=frozenset(args.key) if args.key else None,
        fault_retry_delay_s=args.fault_retry_delay,
        batch_pending_s=args.batch_pending,
        batch_running_s=args.batch_running,
        batch_shuffle=args.batch_shuffle,
        inline_batch_limit_bytes=args.inline_batch_limit,
        state_dir=args.state_dir,
    )
    server = SandboxServer(config, port=args.port).start()
    # The URL alone on stdout, so scripts can read it; the hints go to stderr.
    sys.stdout.write(f"{server.base_url}\n")
    sys.stdout.flush()
    sys.stderr.write(
        f"Draft Studio sandbox listening. Point the SDK at it with "
        f"GOOGLE_GEMINI_BASE_URL={server.base_url} and any key. Ctrl-C stops it.\n"
    )
    try:
        if args.until_stdin_closes:
            # Started by the app: the pipe closes when the app exits, however it exits.
            sys.stdin.buffer.read()
            return 0
        # time.sleep, unlike Event.wait, is interrupted by Ctrl-C on every platform.
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()


def _fault_rate(text: str) -> tuple[Fault, float]:
    name, _, rate = text.partition("=")
    try:
        fault, probability = Fault(name), float(rate)
    except ValueError:
        names = ", ".join(fault.value for fault in Fault)
        raise argparse.ArgumentTypeError(f"expected NAME=RATE with NAME one of {names}") from None
    if not 0.0 <= probability <= 1.0:
        raise argparse.ArgumentTypeError(f"rate {probability} is not between 0 and 1")
    return fault, probability


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m studio.sandbox",
        description="An offline Gemini-compatible image server that draws labelled fakes.",
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--jitter", type=float, default=0.0, help="extra random seconds, up to")
    parser.add_argument("--rate-limit", type=int, help="requests accepted per window")
    parser.add_argument("--rate-window", type=float, default=60.0, help="window in seconds")
    parser.add_argument("--daily-quota", type=int, help="accepted requests before the daily 429")
    parser.add_argument(
        "--fault",
        type=_fault_rate,
        action="append",
        default=[],
        metavar="NAME=RATE",
        help="inject a fault with this probability per request; repeatable, e.g. 503=0.1",
    )
    parser.add_argument("--fault-retry-delay", type=float, default=1.0, help="injected 429 delay")
    parser.add_argument("--pixel-scale", type=float, default=1.0, help="image size multiplier")
    parser.add_argument("--seed", type=int, default=0, help="seed of the fault dice")
    parser.add_argument(
        "--key", action="append", help="accept only these keys (repeatable); default: any key"
    )
    parser.add_argument("--batch-pending", type=float, default=2.0, help="seconds a job waits")
    parser.add_argument("--batch-running", type=float, default=5.0, help="seconds a job runs")
    parser.add_argument(
        "--batch-shuffle", action="store_true", help="inline batch results out of request order"
    )
    parser.add_argument(
        "--inline-batch-limit",
        type=int,
        default=INLINE_BATCH_LIMIT_BYTES,
        help="largest batchGenerateContent body in bytes",
    )
    parser.add_argument(
        "--state-dir", type=Path, help="keep batch jobs and files here (default: in memory)"
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument(
        "--until-stdin-closes", action="store_true", help="stop when standard input closes"
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
