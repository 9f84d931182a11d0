#!/usr/bin/env python3
"""Side-by-side benchmark: sipmsrp against tshark, rsip, ezk-sip-types and the floor.

One command, from the repository root (needs tshark, GNU time, cargo):

    python3 benches/compare/run.py              # 10 MB, 100 MB and the aligned 100 MB, about 4 minutes idle
    python3 benches/compare/run.py --with-1g    # adds the 1 GB scaling run (sipmsrp, floor)

    apt-get install -y tshark time              # if missing (answer no to non-root capture)

It builds sipmsrp (release) and the helper crate benches/compare/peers (its
own workspace and lock file; the project never depends on it), generates the
corpus with a fixed seed into a temporary directory (never committed),
runs every tool on the same files several times, interleaved, and prints a
markdown report on stdout (progress goes to stderr):

- the floor: read the file, count CRLFCRLF with memchr (peers `floor`);
- `sipmsrp parse --format jsonl F > /dev/null` and `sipmsrp parse --summary F`
  (one tab-separated line per message, the like of tshark's `-T fields`),
  on the capture and on the text form;
- `tshark -r F -Y 'sip || msrp' -T fields ...` and `... -T json > /dev/null`;
- on an aligned capture (`gen --aligned`, `--aligned-size`, default 100 MiB),
  the traffic tshark dissects whole: sipmsrp jsonl and --summary against
  tshark -T fields with equal message counts (checked);
- per message, on the SIP messages of the text form: the sipmsrp library,
  rsip and ezk-sip-types (peers `libcmp`);

with wall time, MB/s (10^6 bytes), messages/s and peak RSS (GNU time's %M)
as medians, the message counts and where tshark's differ, and the ratios
against the targets of issue #8. Wall time is measured around each process
(perf_counter), so process start-up is in every figure.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PEERS = os.path.join(ROOT, "benches", "compare", "peers")
TSHARK_FIELDS = [
    "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|",
    "-e", "frame.number", "-e", "sip.Call-ID", "-e", "msrp.messageid",
    "-e", "sip.Request-Line", "-e", "sip.Status-Line",
    "-e", "msrp.request.line", "-e", "msrp.response.line",
]
LIB_PARSERS = ["sipmsrp", "sipmsrp-head", "rsip", "ezk"]
LIB_LABEL = {
    "sipmsrp": "sipmsrp `message::parse_one` (with body tree)",
    "sipmsrp-head": "sipmsrp `sip::parse` (head only)",
    "rsip": "rsip 0.4 `SipMessage::try_from`",
    "ezk": "ezk-sip-types 0.6 (PullParser + Line + Headers)",
}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def sh(argv, **kw):
    return subprocess.run(argv, check=True, text=True, capture_output=True, **kw).stdout


def need(tool, hint):
    if shutil.which(tool) is None and not os.path.exists(tool):
        sys.exit(f"run.py: {tool} not found; {hint}")


def machine():
    info = {}
    try:
        for line in sh(["lscpu"]).splitlines():
            k, _, v = line.partition(":")
            info[k.strip()] = v.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        mem = f"{kb / 2**20:.0f} GiB"
    except OSError:
        pass
    return {
        "cpu": info.get("Model name", platform.processor() or "?"),
        "cpus": os.cpu_count(),
        "mem": mem,
        "kernel": platform.release(),
    }


def versions(sipmsrp):
    v = {}
    v["tshark"] = sh(["tshark", "--version"]).splitlines()[0].rstrip(".")
    v["rustc"] = sh(["rustc", "--version"]).strip()
    v["sipmsrp"] = sh([sipmsrp, "--version"]).strip()
    with open(os.path.join(PEERS, "Cargo.lock")) as f:
        lock = f.read()
    for name in ("rsip", "ezk-sip-types", "memchr"):
        m = re.search(r'name = "%s"\nversion = "([^"]+)"' % re.escape(name), lock)
        v[name] = m.group(1) if m else "?"
    return v


class Runner:
    def __init__(self, work):
        self.work = work
        self.timefile = os.path.join(work, "time.out")

    def run(self, argv, stdout=None, ok=(0,)):
        """Run once under GNU time: (wall seconds, peak RSS KiB, stdout text or None)."""
        out = subprocess.DEVNULL if stdout is None else stdout
        t0 = time.perf_counter()
        p = subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", self.timefile] + argv,
            stdout=out, stderr=subprocess.PIPE, text=True,
        )
        wall = time.perf_counter() - t0
        if p.returncode not in ok:
            sys.exit(f"run.py: {' '.join(argv)} exited {p.returncode}:\n{p.stderr[-2000:]}")
        with open(self.timefile) as f:
            rss = int(f.read().strip().splitlines()[-1].split()[1])
        return wall, rss


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def count_summary(path, capture):
    """Messages by protocol in `sipmsrp parse --summary` output; for a capture
    also MSRP messages by TCP port pair."""
    by_proto = Counter()
    msrp_ports = Counter()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            fs = line.rstrip("\n").split("\t")
            proto = fs[3] if capture else fs[1]
            by_proto[proto] += 1
            if capture and proto == "msrp":
                a, _, b = fs[2].partition(" → ")
                pa = int(a.rsplit(":", 1)[1])
                pb = int(b.rsplit(":", 1)[1])
                msrp_ports[(min(pa, pb), max(pa, pb))] += 1
    return by_proto, msrp_ports


def count_tshark(path):
    c = Counter()
    names = ["frame", "call_id", "msrp_message_id", "sip_req", "sip_resp", "msrp_req", "msrp_resp"]
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            fs = line.rstrip("\n").split("\t")
            for name, v in zip(names, fs):
                if v:
                    c[name] += len(v.split("|"))
    c["sip"] = c["sip_req"] + c["sip_resp"]
    c["msrp"] = c["msrp_req"] + c["msrp_resp"]
    c["messages"] = c["sip"] + c["msrp"]
    return c


def tshark_tcp_ports():
    """tcp.port -> dissector, from tshark's own table."""
    ports = {}
    for line in sh(["tshark", "-G", "decodes"]).splitlines():
        fs = line.split("\t")
        if len(fs) == 3 and fs[0] == "tcp.port":
            ports[int(fs[1])] = fs[2]
    return ports


def expected_tshark_msrp(flows_tsv, ports):
    """MSRP messages tshark can see: those that start a TCP segment. Of
    those, the ones on connections with a port that tshark's port table
    gives to another protocol are seen only if that dissector declines."""
    starts = other_port = other_port_starts = 0
    taken = Counter()
    with open(flows_tsv) as f:
        next(f)
        for line in f:
            a, b, n, mid = (int(x) for x in line.split("\t"))
            starts += n - mid
            names = [ports[p] for p in (a, b) if p in ports and ports[p] != "msrp"]
            if names:
                other_port += 1
                other_port_starts += n - mid
                taken.update(set(names))
    return starts, other_port, other_port_starts, [
        f"{name} ×{n}" if n > 1 else name for name, n in taken.most_common()]


def mb(n):
    return n / 1e6


def fmt(x, nd=2):
    if x != x:  # nan
        return "–"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.{nd}f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10,100", help="corpus sizes in MiB (default 10,100)")
    ap.add_argument("--with-1g", action="store_true", help="add the 1 GiB scaling run")
    ap.add_argument("--runs", type=int, default=5, help="runs per tool (default 5)")
    ap.add_argument("--tshark-runs", type=int, default=3,
                    help="runs per tshark mode (default 3: tshark -T json on 100 MB takes a minute)")
    ap.add_argument("--big-runs", type=int, default=3, help="runs on the 1 GiB capture (default 3)")
    ap.add_argument("--aligned-size", type=int, default=100,
                    help="MiB of the aligned capture (equal message counts; default 100, 0: skip)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workdir", help="where to generate (default: a temporary directory, removed)")
    ap.add_argument("--keep", action="store_true", help="keep the generated corpus")
    ap.add_argument("--no-build", action="store_true", help="use the binaries already built")
    ap.add_argument("--json", help="also write the raw figures here")
    ap.add_argument("--report", metavar="JSON", help="only print the report of a run saved with --json")
    args = ap.parse_args()
    if args.report:
        with open(args.report) as f:
            print(markdown(json.load(f)))
        return

    need("tshark", "install it: DEBIAN_FRONTEND=noninteractive apt-get install -y tshark")
    need("/usr/bin/time", "install GNU time: apt-get install -y time")
    need("cargo", "a Rust toolchain is needed")

    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    sipmsrp = os.path.join(target, "release", "sipmsrp")
    peers_bin = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(PEERS, "target")), "release")
    gen, floor, libcmp = (os.path.join(peers_bin, b) for b in ("gen", "floor", "libcmp"))
    if not args.no_build:
        log("building sipmsrp (release) ...")
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
        log("building benches/compare/peers (release) ...")
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet",
                        "--manifest-path", os.path.join(PEERS, "Cargo.toml")], check=True)

    work = args.workdir or tempfile.mkdtemp(prefix="sipmsrp-compare-")
    os.makedirs(work, exist_ok=True)
    r = Runner(work)
    load_before = os.getloadavg()
    started = time.time()
    mach = machine()
    vers = versions(sipmsrp)
    ports = tshark_tcp_ports()

    sizes = [int(s) for s in args.sizes.split(",") if s]
    results = {"machine": mach, "versions": vers, "seed": args.seed, "sizes": {},
               "args": vars(args), "date": time.strftime("%Y-%m-%d")}
    try:
        for size in sizes:
            results["sizes"][size] = one_size(r, size, args, work, sipmsrp, gen, floor, libcmp, ports)
        if args.aligned_size:
            results["aligned"] = aligned(r, args, work, sipmsrp, gen)
        if args.with_1g:
            results["big"] = big(r, args, work, sipmsrp, gen, floor)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    results["load"] = {"before": load_before, "after": os.getloadavg()}
    results["elapsed_s"] = time.time() - started

    report = markdown(results)
    print(report)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1, default=str)


def generate(gen, work, size, seed, text=True, aligned=False):
    name = f"corpus-{size}M{'-aligned' if aligned else ''}"
    argv = [gen, "--size", f"{size}M", "--seed", str(seed), "--out", work, "--name", name]
    if not text:
        argv.append("--no-text")
    if aligned:
        argv.append("--aligned")
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(work, name + ".json")) as f:
        manifest = json.load(f)
    return name, manifest


def one_size(r, size, args, work, sipmsrp, gen, floor, libcmp, ports):
    log(f"[{size} MiB] generating (seed {args.seed}) ...")
    name, man = generate(gen, work, size, args.seed)
    pcap = os.path.join(work, name + ".pcap")
    txt = os.path.join(work, name + ".txt")
    summary_out = os.path.join(work, "summary.out")
    tshark_out = os.path.join(work, "tshark.tsv")

    tools = [
        # key, input, argv, runs, stdout file (counted after the first run), allowed exits
        ("floor", "pcap", [floor, pcap], args.runs, None, (0,)),
        ("floor", "txt", [floor, txt], args.runs, None, (0,)),
        ("sipmsrp jsonl", "pcap", [sipmsrp, "parse", "--format", "jsonl", pcap], args.runs, None, (0, 1)),
        ("sipmsrp jsonl", "txt", [sipmsrp, "parse", "--format", "jsonl", txt], args.runs, None, (0, 1)),
        ("sipmsrp summary", "pcap", [sipmsrp, "parse", "--summary", pcap], args.runs, summary_out + ".pcap", (0, 1)),
        ("sipmsrp summary", "txt", [sipmsrp, "parse", "--summary", txt], args.runs, summary_out + ".txt", (0, 1)),
        ("tshark fields", "pcap", ["tshark", "-r", pcap, "-Y", "sip || msrp"] + TSHARK_FIELDS,
         args.tshark_runs, tshark_out, (0,)),
        ("tshark json", "pcap", ["tshark", "-r", pcap, "-Y", "sip || msrp", "-T", "json"],
         args.tshark_runs, None, (0,)),
    ] + [
        (f"lib {p}", "txt", [libcmp, "--parser", p, txt], args.runs, "PIPE", (0,))
        for p in LIB_PARSERS
    ]
    walls = {(k, i): [] for k, i, *_ in tools}
    rss = {(k, i): [] for k, i, *_ in tools}
    lib = {p: [] for p in LIB_PARSERS}
    rounds = max(t[3] for t in tools)
    for n in range(rounds):
        for key, inp, argv, runs, out, ok in tools:
            if n >= runs:
                continue
            if out == "PIPE":
                fo = open(os.path.join(work, "lib.out"), "w")
            elif out is not None:
                fo = open(out, "w")
            else:
                fo = None
            try:
                w, m = r.run(argv, stdout=fo, ok=ok)
            finally:
                if fo:
                    fo.close()
            if out == "PIPE":
                with open(os.path.join(work, "lib.out")) as f:
                    lib[key[4:]].append(json.loads(f.read()))
            walls[(key, inp)].append(w)
            rss[(key, inp)].append(m)
            log(f"[{size} MiB] round {n + 1}/{rounds}: {key} on {inp}: {w:.3f} s, {m / 1024:.0f} MiB")
        if n == 0:
            # Counts come from the first round's output.
            s_pcap, msrp_ports = count_summary(summary_out + ".pcap", True)
            s_txt, _ = count_summary(summary_out + ".txt", False)
            ts = count_tshark(tshark_out)

    starts, other_flows, other_starts, other_names = expected_tshark_msrp(
        os.path.join(work, name + ".msrp-flows.tsv"), ports)
    files = {"pcap": man["pcap_bytes"], "txt": man["txt_bytes"]}
    rows = {}
    for (key, inp), ws in walls.items():
        rows[f"{key}|{inp}"] = {
            "tool": key, "input": inp, "bytes": files[inp], "runs": len(ws),
            "wall_s": median(ws), "walls": ws, "rss_kib": median(rss[(key, inp)]),
        }
    libs = {}
    for p, outs in lib.items():
        libs[p] = {
            "ns_per_msg": median([o["ns_per_msg"] for o in outs]),
            "parse_s": median([o["parse_secs"] for o in outs]),
            "sip_messages": outs[0]["sip_messages"],
            "sip_bytes": outs[0]["sip_bytes"],
            "ok": outs[0]["ok"],
            "failed": outs[0]["failed"],
            "call_id_bytes": outs[0]["call_id_bytes"],
        }
    return {
        "manifest": man, "rows": rows, "lib": libs,
        "counts": {
            "sipmsrp_pcap": dict(s_pcap), "sipmsrp_txt": dict(s_txt), "tshark": dict(ts),
            "msrp_segment_starts": starts, "msrp_flows_on_other_ports": other_flows,
            "msrp_segment_starts_on_other_ports": other_starts,
            "other_ports": other_names,
        },
    }


def aligned(r, args, work, sipmsrp, gen):
    """The capture tshark dissects whole (gen --aligned): every TCP message
    starts a segment, MSRP on ports no other dissector claims, no HCOLON
    whitespace. Both tools must find every message: equal counts."""
    size = args.aligned_size
    log(f"[{size} MiB aligned] generating the capture (seed {args.seed}) ...")
    name, man = generate(gen, work, size, args.seed, text=False, aligned=True)
    pcap = os.path.join(work, name + ".pcap")
    summary_out = os.path.join(work, "aligned-summary.out")
    tshark_out = os.path.join(work, "aligned-tshark.tsv")
    tools = [
        ("sipmsrp jsonl", [sipmsrp, "parse", "--format", "jsonl", pcap], args.runs, None, (0, 1)),
        ("sipmsrp summary", [sipmsrp, "parse", "--summary", pcap], args.runs, summary_out, (0, 1)),
        ("tshark fields", ["tshark", "-r", pcap, "-Y", "sip || msrp"] + TSHARK_FIELDS,
         args.tshark_runs, tshark_out, (0,)),
    ]
    walls = {k: [] for k, *_ in tools}
    rss = {k: [] for k, *_ in tools}
    rounds = max(t[2] for t in tools)
    for n in range(rounds):
        for key, argv, runs, out, ok in tools:
            if n >= runs:
                continue
            fo = open(out, "w") if out else None
            try:
                w, m = r.run(argv, stdout=fo, ok=ok)
            finally:
                if fo:
                    fo.close()
            walls[key].append(w)
            rss[key].append(m)
            log(f"[{size} MiB aligned] round {n + 1}/{rounds}: {key}: {w:.3f} s, {m / 1024:.0f} MiB")
        if n == 0:
            s_pcap, _ = count_summary(summary_out, True)
            ts = count_tshark(tshark_out)
    os.remove(pcap)
    rows = {
        f"{k}|pcap": {"tool": k, "input": "pcap", "bytes": man["pcap_bytes"], "runs": len(ws),
                      "wall_s": median(ws), "walls": ws, "rss_kib": median(rss[k])}
        for k, ws in walls.items()
    }
    return {"manifest": man, "rows": rows,
            "counts": {"sipmsrp_pcap": dict(s_pcap), "tshark": dict(ts)}}


def big(r, args, work, sipmsrp, gen, floor):
    """The 1 GiB scaling point: sipmsrp on the capture, and the floor."""
    size = 1024
    log(f"[{size} MiB] generating the capture (seed {args.seed}) ...")
    name, man = generate(gen, work, size, args.seed, text=False)
    pcap = os.path.join(work, name + ".pcap")
    out = {"manifest": man, "rows": {}}
    for key, argv, ok in [
        ("floor", [floor, pcap], (0,)),
        ("sipmsrp jsonl", [sipmsrp, "parse", "--format", "jsonl", pcap], (0, 1)),
    ]:
        ws, ms = [], []
        for n in range(args.big_runs):
            w, m = r.run(argv, ok=ok)
            ws.append(w)
            ms.append(m)
            log(f"[{size} MiB] run {n + 1}/{args.big_runs}: {key}: {w:.2f} s, {m / 1024:.0f} MiB")
        out["rows"][f"{key}|pcap"] = {
            "tool": key, "input": "pcap", "bytes": man["pcap_bytes"], "runs": len(ws),
            "wall_s": median(ws), "walls": ws, "rss_kib": median(ms),
        }
    os.remove(pcap)
    return out


def markdown(res):
    m, v, args = res["machine"], res["versions"], argparse.Namespace(**res["args"])
    L = []
    L.append("## Side by side (benches/compare)")
    L.append("")
    L.append(f"Command: `python3 benches/compare/run.py{' --with-1g' if args.with_1g else ''}` "
             f"(seed {res['seed']}, {args.runs} runs per tool, {args.tshark_runs} per tshark mode, "
             f"medians; run {res['date']}, {res['elapsed_s'] / 60:.1f} min).")
    L.append(f"Machine: {m['cpu']}, {m['cpus']} CPUs, {m['mem']}, Linux {m['kernel']}; "
             f"load average {res['load']['before'][0]:.1f} before, {res['load']['after'][0]:.1f} after.")
    L.append(f"Tools: {v['sipmsrp']} ({v['rustc']}), {v['tshark']}, rsip {v['rsip']}, "
             f"ezk-sip-types {v['ezk-sip-types']}, memchr {v['memchr']}.")
    L.append("")

    L.append("| corpus | tool | input | MB | wall s | MB/s | messages | messages/s | peak RSS MiB |")
    L.append("|---|---|---|---:|---:|---:|---:|---:|---:|")
    order = ["floor", "sipmsrp jsonl", "sipmsrp summary", "tshark fields", "tshark json"]
    for size, s in res["sizes"].items():
        c = s["counts"]
        msgs = {
            ("sipmsrp jsonl", "pcap"): sum(c["sipmsrp_pcap"].values()),
            ("sipmsrp summary", "pcap"): sum(c["sipmsrp_pcap"].values()),
            ("sipmsrp jsonl", "txt"): sum(c["sipmsrp_txt"].values()),
            ("sipmsrp summary", "txt"): sum(c["sipmsrp_txt"].values()),
            ("tshark fields", "pcap"): c["tshark"]["messages"],
            ("tshark json", "pcap"): c["tshark"]["messages"],
        }
        for tool in order:
            for inp in ("pcap", "txt"):
                row = s["rows"].get(f"{tool}|{inp}")
                if not row:
                    continue
                n = msgs.get((tool, inp))
                L.append(
                    f"| {size} MiB | {tool} | {inp} | {mb(row['bytes']):.1f} | {fmt(row['wall_s'], 3)} | "
                    f"{fmt(mb(row['bytes']) / row['wall_s'])} | "
                    f"{n if n is not None else '–'} | "
                    f"{fmt(n / row['wall_s']) if n else '–'} | {row['rss_kib'] / 1024:.0f} |"
                )
    L.append("")
    L.append("Floor = read the file in 1 MiB blocks and count CRLFCRLF with memchr (no messages). "
             "sipmsrp jsonl writes to /dev/null; sipmsrp --summary and tshark -T fields write their "
             "(small) output to a file the counts are taken from; tshark -T json writes to /dev/null.")
    L.append("")

    L.append("Library, per SIP message of the text form (framed by Content-Length beforehand; "
             "each parser parses the message and yields its Call-ID and CSeq; timed in-process, "
             "one warm-up pass):")
    L.append("")
    L.append("| corpus | parser | SIP messages | parsed with Call-ID and CSeq | ns/message | messages/s | MB/s |")
    L.append("|---|---|---:|---:|---:|---:|---:|")
    for size, s in res["sizes"].items():
        for p in LIB_PARSERS:
            x = s["lib"][p]
            L.append(
                f"| {size} MiB | {LIB_LABEL[p]} | {x['sip_messages']} | "
                f"{x['ok']} | {x['ns_per_msg']:,.0f} | {1e9 / x['ns_per_msg']:,.0f} | "
                f"{fmt(mb(x['sip_bytes']) / x['parse_s'])} |"
            )
    L.append("")

    L.append("Message counts (generated = what the generator wrote):")
    L.append("")
    L.append("| corpus | generated SIP / MSRP | sipmsrp pcap SIP / MSRP | sipmsrp text SIP / MSRP | "
             "tshark SIP / MSRP | tshark Call-IDs | MSRP starting mid-segment | "
             "MSRP starting a segment | of which on ports tshark gives to others |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for size, s in res["sizes"].items():
        g, c = s["manifest"], s["counts"]
        sp, st, ts = c["sipmsrp_pcap"], c["sipmsrp_txt"], c["tshark"]
        L.append(
            f"| {size} MiB | {g['sip']} / {g['msrp']} | {sp.get('sip', 0)} / {sp.get('msrp', 0)} | "
            f"{st.get('sip', 0)} / {st.get('msrp', 0)} | {ts['sip']} / {ts['msrp']} | "
            f"{ts.get('call_id', 0)} | {g['msrp_mid_segment']} | {c['msrp_segment_starts']} | "
            f"{c['msrp_segment_starts_on_other_ports']} ({c['msrp_flows_on_other_ports']} "
            f"connection{'' if c['msrp_flows_on_other_ports'] == 1 else 's'}"
            f"{': ' + ', '.join(c['other_ports']) if c['other_ports'] else ''}) |"
        )
    L.append("")
    for size, s in res["sizes"].items():
        g, c = s["manifest"], s["counts"]
        sp, ts = c["sipmsrp_pcap"], c["tshark"]
        checks = []
        checks.append(("sipmsrp finds every generated message (capture)",
                       sp.get("sip", 0) == g["sip"] and sp.get("msrp", 0) == g["msrp"]))
        checks.append(("sipmsrp finds every generated message (text)",
                       c["sipmsrp_txt"].get("sip", 0) == g["sip"] and c["sipmsrp_txt"].get("msrp", 0) == g["msrp"]))
        checks.append(("SIP: tshark count equals sipmsrp's", ts["sip"] == sp.get("sip", 0)))
        checks.append((f"tshark Call-IDs = SIP messages − the {g['sip_hcolon_ws']} written `Call-ID : …`",
                       ts.get("call_id", 0) == g["sip"] - g["sip_hcolon_ws"]))
        checks.append(("MSRP: tshark finds no message that starts mid-segment",
                       ts["msrp"] <= c["msrp_segment_starts"]))
        short = c["msrp_segment_starts"] - ts["msrp"]
        checks.append((f"MSRP: tshark finds every message that starts a segment"
                       + (f" but {short}, all on connections whose port tshark gives to another protocol"
                          if short else ""),
                       0 <= short <= c["msrp_segment_starts_on_other_ports"]))
        L.append(f"- {size} MiB: " + "; ".join(f"{t}: {'yes' if ok else '**no**'}" for t, ok in checks))
    L.append("")

    L.append("Ratios against the targets of issue #8 (capture = the pcap form):")
    L.append("")
    L.append("| corpus | ratio | value | target | met |")
    L.append("|---|---|---:|---:|---|")
    for size, s in res["sizes"].items():
        rows, lib = s["rows"], s["lib"]
        sj = rows["sipmsrp jsonl|pcap"]["wall_s"]
        ss = rows["sipmsrp summary|pcap"]["wall_s"]
        tf = rows["tshark fields|pcap"]["wall_s"]
        tj = rows["tshark json|pcap"]["wall_s"]
        fl = rows["floor|pcap"]["wall_s"]
        flt = rows["floor|txt"]["wall_s"]
        sjt = rows["sipmsrp jsonl|txt"]["wall_s"]
        peer = min(lib["rsip"]["ns_per_msg"], lib["ezk"]["ns_per_msg"])
        peer_name = "rsip" if lib["rsip"]["ns_per_msg"] <= lib["ezk"]["ns_per_msg"] else "ezk-sip-types"
        items = [
            ("sipmsrp jsonl vs tshark -T fields, throughput on the capture", tf / sj, ">= 50x", tf / sj >= 50),
            ("sipmsrp --summary vs tshark -T fields, throughput on the capture", tf / ss, ">= 50x", tf / ss >= 50),
            ("sipmsrp jsonl vs tshark -T json, throughput on the capture", tj / sj, ">= 50x", tj / sj >= 50),
            (f"library per message: faster peer ({peer_name}) / sipmsrp parse_one", peer / lib["sipmsrp"]["ns_per_msg"],
             ">= 3x", peer / lib["sipmsrp"]["ns_per_msg"] >= 3),
            (f"library per message: faster peer ({peer_name}) / sipmsrp sip::parse", peer / lib["sipmsrp-head"]["ns_per_msg"],
             ">= 3x", peer / lib["sipmsrp-head"]["ns_per_msg"] >= 3),
            ("sipmsrp jsonl / floor, capture (time)", sj / fl, "<= 3x", sj / fl <= 3),
            ("sipmsrp jsonl / floor, text (time)", sjt / flt, "<= 3x", sjt / flt <= 3),
        ]
        for t, val, target, ok in items:
            L.append(f"| {size} MiB | {t} | {val:.1f}x | {target} | {'yes' if ok else '**no**'} |")
    L.append("")

    if "aligned" in res:
        a = res["aligned"]
        g, c, rows = a["manifest"], a["counts"], a["rows"]
        sp, ts = c["sipmsrp_pcap"], c["tshark"]
        size = args.aligned_size
        L.append(f"Equal message counts: the {size} MiB aligned capture (`gen --aligned`: every "
                 "message over TCP starts its own segment, MSRP on ports 40000 to 43998, which no "
                 "dissector in tshark's port table claims, no whitespace before header colons), "
                 "the traffic tshark dissects whole:")
        L.append("")
        L.append("| tool | MB | wall s | MB/s | SIP | MSRP | messages/s | peak RSS MiB |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        counts = {
            "sipmsrp jsonl": (sp.get("sip", 0), sp.get("msrp", 0)),
            "sipmsrp summary": (sp.get("sip", 0), sp.get("msrp", 0)),
            "tshark fields": (ts["sip"], ts["msrp"]),
        }
        for tool in ("sipmsrp jsonl", "sipmsrp summary", "tshark fields"):
            row = rows[f"{tool}|pcap"]
            nsip, nmsrp = counts[tool]
            L.append(f"| {tool} | {mb(row['bytes']):.1f} | {fmt(row['wall_s'], 3)} | "
                     f"{fmt(mb(row['bytes']) / row['wall_s'])} | {nsip} | {nmsrp} | "
                     f"{fmt((nsip + nmsrp) / row['wall_s'])} | {row['rss_kib'] / 1024:.0f} |")
        L.append("")
        equal = (sp.get("sip", 0) == ts["sip"] == g["sip"]
                 and sp.get("msrp", 0) == ts["msrp"] == g["msrp"])
        L.append(f"- Generated {g['sip']} SIP and {g['msrp']} MSRP messages; counts equal "
                 f"(sipmsrp = tshark = generated): {'yes' if equal else '**no**'}; tshark Call-IDs "
                 f"= SIP messages: {'yes' if ts.get('call_id', 0) == g['sip'] else '**no**'}.")
        tf = rows["tshark fields|pcap"]["wall_s"]
        for tool in ("sipmsrp jsonl", "sipmsrp summary"):
            x = tf / rows[f"{tool}|pcap"]["wall_s"]
            L.append(f"- {tool} vs tshark -T fields, throughput with equal counts: {x:.1f}x "
                     f"(target >= 50x: {'met' if x >= 50 and equal else '**not met**'}).")
        L.append("")

    L.append("Scaling, `sipmsrp parse --format jsonl` on the capture:")
    L.append("")
    L.append("| corpus | capture MB | wall s | MB/s | ns/byte | peak RSS MiB | floor s |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    points = [(size, s["rows"]) for size, s in res["sizes"].items()]
    if "big" in res:
        points.append((1024, res["big"]["rows"]))
    for size, rows in points:
        row = rows["sipmsrp jsonl|pcap"]
        fl = rows["floor|pcap"]
        L.append(
            f"| {size} MiB | {mb(row['bytes']):.0f} | {fmt(row['wall_s'], 3)} | "
            f"{fmt(mb(row['bytes']) / row['wall_s'])} | {row['wall_s'] * 1e9 / row['bytes']:.1f} | "
            f"{row['rss_kib'] / 1024:.0f} | {fmt(fl['wall_s'], 3)} |"
        )
    return "\n".join(L)


if __name__ == "__main__":
    main()
